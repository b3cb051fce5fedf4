/** Kysely table types of the alerts domain (merged into Database in src/db/schema.ts). */

/** A person follows one thing: a standard, a family, a saved search, an ICS/CCS code, a committee or a publisher. */
export interface WatchTable {
  id: string;
  person_id: string;
  kind: string; // standard | family | search | ics | ccs | committee | publisher
  target: string;
  label: string | null;
  followed_from: string | null;
  since_event_id: number;
  created_at: string;
}

export interface NotificationTable {
  id: string;
  person_id: string;
  event_id: number;
  watch_id: string;
  kind: string;
  std_id: string | null;
  summary: string; // JSON NotificationSummary
  dedupe_key: string | null;
  created_at: string;
  read_at: string | null;
  mailed_at: string | null;
}

export interface AlertCursorTable {
  name: string;
  last_event_id: number;
  updated_at: string;
}

export interface MailPrefTable {
  person_id: string;
  mode: string; // immediate | daily | weekly | off
  lang: string | null;
  unsubscribe_token_hash: string;
  unsubscribe_generation: number;
  updated_at: string;
}

export interface FeedTokenTable {
  person_id: string;
  token_hash: string;
  generation: number;
  created_at: string;
}

export interface WebhookTable {
  id: string;
  person_id: string;
  url: string;
  secret: string;
  active: number;
  created_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  delivery_id: string;
  webhook_id: string;
  notification_id: string | null;
  event_id: number | null;
  event_name: string;
  payload: string;
  attempt: number;
  status: string; // pending | sending | delivered | failed | gave_up
  response_code: number | null;
  error: string | null;
  next_attempt_at: string | null;
  attempted_at: string | null;
  created_at: string;
}

export interface AlertTables {
  watch: WatchTable;
  notification: NotificationTable;
  alert_cursor: AlertCursorTable;
  mail_pref: MailPrefTable;
  feed_token: FeedTokenTable;
  webhook: WebhookTable;
  webhook_delivery: WebhookDeliveryTable;
}
