/**
 * A value built on first use and kept by whoever holds the getter. Function setups use it for AWS SDK
 * clients: building one costs cold-start time, and a path that never needs it (local credentials, a
 * spam post) never pays.
 */
export function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = create();
      built = true;
    }
    return value as T;
  };
}
