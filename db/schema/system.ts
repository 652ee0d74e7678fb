import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { persons } from "./people";

// Key/value facts about this installation (e.g. that the demo seed made it).
export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

// Throttling of failed sign-ins, kept in the database so several app instances agree.
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(), // "acct:<number>" or "ip:<address>"
  failures: integer("failures").notNull().default(0),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

// Who did what to whom: sign-ins, imports, approvals, views of personal results.
export const auditLog = pgTable(
  "audit_log",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: integer("actor_id").references(() => persons.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    subject: text("subject"),
    detail: jsonb("detail"),
  },
  (t) => [index("audit_log_at_idx").on(t.at)],
);

// Outgoing messages (invitations, reminders, notices). Sent by SMTP when configured,
// otherwise kept here for the quality office to see and export.
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    channel: text("channel", { enum: ["email", "sms", "wechat", "export"] }).notNull(),
    // invitation / reminder / notice. Reminders name non-respondents: never listed in the app.
    kind: text("kind", { enum: ["invitation", "reminder", "notice"] })
      .notNull()
      .default("notice"),
    campaignId: integer("campaign_id"),
    recipient: text("recipient").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed", "recorded"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    notBefore: timestamp("not_before", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    lastError: text("last_error"),
  },
  (t) => [index("outbox_status_idx").on(t.status, t.notBefore)],
);
