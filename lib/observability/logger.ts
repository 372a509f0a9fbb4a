import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured JSON logger of the process. Log ids, codes and counts — never an e-mail
 * address, phone number, request body, password, hash, token or secret.
 */
export const logger = new Logger({ serviceName: 'csmart-connect' });
