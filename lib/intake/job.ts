import type { SaveFields } from '../csmart/modules.ts';
import type { EnrichMode } from './enrich-modes.ts';

/**
 * The unit of work that travels from an HTTP function through the queue to the worker.
 * Mappers (pure) produce a `WorkPlan`; the HTTP function stamps it into a `DeliveryJob` and enqueues it.
 */

/** The identity of an outside entity (a lead's e-mail, a booking, an order), kept in the link table. */
export type LinkRef = { source: string; externalId: string };

/** Create or find a CSMART client. Its id is then available to the steps after it. */
export type AccountStep = {
  kind: 'account';
  fields: SaveFields<'Accounts'>;
  /**
   * How an existing client is found before one is created: NIP first, then e-mail; the phone only
   * when neither is known (absent: the worker takes the phone from the fields).
   */
  match: { nip?: string; email?: string; phone?: string };
  /** What to do with a client that already exists: edit it with the new non-empty fields, or leave it. */
  onMatch: 'update' | 'keep';
  /** Remembered in the link table, so later updates of the same outside entity edit the same client. */
  link?: LinkRef;
};

type RecordStepOf<M extends 'Events' | 'Opportunities'> = {
  kind: 'record';
  module: M;
  fields: SaveFields<M>;
  /** The record's identity: a redelivery or a later update of the same entity edits the same record. */
  link: LinkRef;
  /** Other identities of the same record (a reschedule points back at the original booking). */
  aliases?: LinkRef[];
  /** Fill the client in from the account step: `account_id`/`account_name` for Opportunities, `nip` for Events. */
  withAccount?: boolean;
  /** When no record is linked yet: create one (default), or do nothing (an update for something never seen). */
  ifMissing?: 'create' | 'skip';
};
export type RecordStep = RecordStepOf<'Events'> | RecordStepOf<'Opportunities'>;

export type Step = AccountStep | RecordStep;

/** What a pure mapper returns for one accepted submission. */
export type WorkPlan = {
  /** What it is, for logs and metrics: `lead`, `invitee.created`, `order.created`… */
  kind: string;
  /** Messages with the same group key are delivered in order (SQS FIFO MessageGroupId). */
  groupKey: string;
  /** The sender's event or delivery id; repeats of it are dropped. Absent: a hash of the raw body is used. */
  dedupeKey?: string;
  steps: Step[];
  /** How the worker fills clients in from the VAT register by their NIP; absent = `fill-empty`. */
  enrich?: EnrichMode;
  /** Leads the sender only announced by id: the worker fetches them, maps them and adds their steps. */
  fetchLeads?: RemoteLeads;
};

/** Meta Lead Ads notifications hold only ids; the lead itself is read from the Graph API by the worker. */
export type RemoteLeads = {
  from: 'meta';
  /** The source's lead settings (mapping, defaults, follow-ups…) as configured when the notification came. */
  settings: Record<string, unknown>;
  leads: { leadgenId: string; pageId: string; formId?: string; adId?: string; createdTime?: number }[];
};

/** A `WorkPlan` as stored on the queue. */
export type DeliveryJob = WorkPlan & {
  v: 1;
  /** The submission id returned to the sender and logged as the correlation id. */
  id: string;
  /** `leads` or the webhook source name. */
  source: string;
  dedupeKey: string;
  receivedAt: string;
};
