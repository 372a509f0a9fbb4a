import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { lazyClient } from '../aws.ts';

/** The process's EventBridge client (honours `AWS_ENDPOINT_URL_EVENTBRIDGE`). */
export const eventBridgeClient = lazyClient(() => new EventBridgeClient({}));
