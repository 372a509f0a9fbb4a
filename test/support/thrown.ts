import { expect } from 'vitest';

/** The error `act` throws, checked to be of `type`; fails the test when nothing or something else is thrown. */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, act: () => unknown): E {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a ${type.name}`);
}
