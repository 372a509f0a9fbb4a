/** The local SQS server: protocol (wire format), queues (state and semantics), server (HTTP, persistence). */
export { FIFO_DEDUPE_WINDOW_MS, LOCAL_SQS_ACCOUNT, LOCAL_SQS_OPERATIONS, LOCAL_SQS_REGION, LocalSqsFault, md5OfMessageAttributes } from './protocol.ts';
export type { LocalSqsAttributeValue, LocalSqsFaultCode, LocalSqsOperation, LocalSqsQueueAttributes, LocalSqsRedrivePolicy } from './protocol.ts';
export { localQueueArn } from './queues.ts';
export type { LocalSqsCounts, LocalSqsMessage, LocalSqsMessageState, LocalSqsQueue } from './queues.ts';
export { startLocalSqs } from './server.ts';
export type { LocalSqs, LocalSqsOptions } from './server.ts';
