/** Another delivery holds the same record link right now; retry later rather than risk a duplicate. */
export class DeliveryLinkBusyError extends Error {
  override name = 'DeliveryLinkBusyError';
  readonly code = 'link_busy';
  readonly transient = true;
}

/** The record an edit was meant for was deleted in CSMART, and its module's rule is not to create it again. */
export class DeliveryRecordDeletedError extends Error {
  override name = 'DeliveryRecordDeletedError';
  readonly code = 'record_deleted';
  readonly transient = false;
}
