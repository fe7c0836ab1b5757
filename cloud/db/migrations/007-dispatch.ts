import type { Migration } from './migration.js';

/**
 * Dispatch (派单), SLA clocks and escalation.
 *
 * - estates.time_zone: shifts and digests are in the estate's wall-clock time (IANA name).
 * - duty_shifts: the duty roster. A shift repeats on its ISO weekdays (1 = Monday) from starts_at to
 *   ends_at, local time; ends_at <= starts_at crosses midnight into the next day.
 * - dispatch_policies: an estate's changes to the default SLA windows, escalation chains, grab pool
 *   and follow-up, versioned. A ticket copies what applies to it when it opens (tickets.escalation),
 *   so editing a policy never changes tickets already in flight.
 * - tickets gain the work-order lifecycle: assigned (派单) and pooled (抢单) before acknowledged,
 *   on_hold (挂起, approved by a supervisor), followed_up (回访) before closed; the people it is
 *   assigned to (assignee_ids) and told of (informed_ids), those who handed it back (declined_ids).
 * - ticket_timers: every deadline of a ticket as a durable row, fired once: a worker claims due rows
 *   with FOR UPDATE SKIP LOCKED and marks fired_at in the transaction that acts on them, so two cloud
 *   instances never both fire one, and a restart finds what is still due. (ticket, chain, base_at,
 *   step, round) is unique: a chain counted from one deadline fires each step once, and each
 *   renotification of it once; a chain started again from a later deadline (after a hand-back, a
 *   reassignment, an approved hold) is a new base_at.
 * - job_runs: a wall-clock job (the daily digest) claims its run by inserting its key; the instance
 *   whose insert wins runs it.
 */
export const dispatchMigration: Migration = {
  id: '007-dispatch',
  statements: [
    `ALTER TABLE estates ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai'`,
    `CREATE TABLE duty_shifts (
      id text PRIMARY KEY,
      estate_id text NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
      staff_id text NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('housekeeper', 'facilities', 'lift_contractor', 'supervisor', 'estate_manager')),
      building_ids text[],
      weekdays integer[] NOT NULL,
      starts_at text NOT NULL CHECK (starts_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      ends_at text NOT NULL CHECK (ends_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      created_at timestamptz NOT NULL,
      created_by text NOT NULL
    )`,
    `CREATE INDEX duty_shifts_estate_idx ON duty_shifts (estate_id, role)`,
    `CREATE TABLE dispatch_policies (
      estate_id text PRIMARY KEY REFERENCES estates (id) ON DELETE CASCADE,
      version integer NOT NULL,
      policy jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`,
    `ALTER TABLE tickets DROP CONSTRAINT tickets_status_check`,
    `ALTER TABLE tickets ADD CONSTRAINT tickets_status_check CHECK (status IN
      ('open', 'assigned', 'acknowledged', 'on_site', 'on_hold', 'resolved', 'followed_up', 'closed'))`,
    `ALTER TABLE tickets
       ADD COLUMN assignee_ids text[] NOT NULL DEFAULT '{}',
       ADD COLUMN informed_ids text[] NOT NULL DEFAULT '{}',
       ADD COLUMN declined_ids text[] NOT NULL DEFAULT '{}',
       ADD COLUMN assigned_at timestamptz,
       ADD COLUMN pooled_until timestamptz,
       ADD COLUMN held_behind text,
       ADD COLUMN hold_until timestamptz,
       ADD COLUMN hold_reason text,
       ADD COLUMN hold_requested_by text,
       ADD COLUMN hold_approved_by text,
       ADD COLUMN photo_ref text,
       ADD COLUMN follow_up_due_at timestamptz,
       ADD COLUMN followed_up_at timestamptz,
       ADD COLUMN followed_up_by text,
       ADD COLUMN follow_up_outcome text,
       ADD COLUMN follow_up_note text,
       ADD COLUMN closed_at timestamptz,
       ADD COLUMN closed_by text,
       ADD COLUMN escalation jsonb`,
    `CREATE INDEX tickets_assignees_idx ON tickets USING gin (assignee_ids)`,
    `CREATE TABLE ticket_timers (
      ticket_id text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      chain text NOT NULL,
      base_at timestamptz NOT NULL,
      step integer NOT NULL,
      round integer NOT NULL,
      due_at timestamptz NOT NULL,
      fired_at timestamptz,
      cancelled_at timestamptz,
      PRIMARY KEY (ticket_id, chain, base_at, step, round)
    )`,
    `CREATE INDEX ticket_timers_due_idx ON ticket_timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL`,
    `CREATE TABLE job_runs (
      job text NOT NULL,
      run_key text NOT NULL,
      started_at timestamptz NOT NULL,
      instance text NOT NULL,
      PRIMARY KEY (job, run_key)
    )`,
  ],
};
