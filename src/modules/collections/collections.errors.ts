import { defineErrors } from '../../core/errors.ts';

/** The collections module's error codes, each with its kind (HTTP status and exit code follow from it). */
export const collectionsError = defineErrors({
  'collections.invalid_request': 'invalid',
  'collections.customer_not_found': 'not_found',
  'collections.item_not_found': 'not_found',
  'collections.user_not_found': 'not_found',
  /** Regulation F: outside 08:00–21:00 in the consumer's time zone. */
  'collections.contact_window': 'conflict',
  /** Regulation F: an eighth attempt in 7 days, or a call within 7 days of a conversation (or a team policy). */
  'collections.contact_frequency': 'conflict',
  'collections.task_not_found': 'not_found',
  'collections.task_closed': 'conflict',
  'collections.promise_not_found': 'not_found',
  'collections.promise_closed': 'conflict',
  'collections.plan_not_found': 'not_found',
  'collections.plan_closed': 'conflict',
  /** The customer already has an active payment plan. */
  'collections.plan_active': 'conflict',
  /** More than the items (or account) have open. */
  'collections.exceeds_open': 'conflict',
  'collections.dispute_not_found': 'not_found',
  'collections.dispute_closed': 'conflict',
  'collections.hold_in_force': 'conflict',
  'collections.no_hold': 'conflict',
});

export type CollectionsErrorCode = Parameters<typeof collectionsError>[0];
