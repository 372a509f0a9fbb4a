import { createHash, timingSafeEqual } from 'node:crypto';
import { RefusalError } from '../../errors/refusal.ts';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The subscription check Meta makes when the callback URL is saved: `GET ?hub.mode=subscribe&hub.verify_token=…
 * &hub.challenge=…`. When the token is ours, the challenge is answered as it came; otherwise `forbidden` (403), as
 * Meta's own samples answer. Without a configured `verifyToken` no subscription can be confirmed.
 */
export function answerChallenge(query: Record<string, string | undefined>, verifyToken: string | undefined): string {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || !challenge) {
    throw new RefusalError('malformed', 'invalid_handshake', 'Expected hub.mode=subscribe with hub.verify_token and hub.challenge.', { field: mode !== 'subscribe' ? 'hub.mode' : 'hub.challenge' });
  }
  if (!verifyToken || token === undefined || !timingSafeEqual(digest(token), digest(verifyToken))) {
    throw new RefusalError('forbidden', 'verify_token_invalid', 'The verify token does not match.', { field: 'hub.verify_token' });
  }
  if (challenge.length > 200 || !/^[\w.-]+$/.test(challenge)) throw new RefusalError('malformed', 'invalid_handshake', 'hub.challenge is not a plain token.', { field: 'hub.challenge' });
  return challenge;
}
