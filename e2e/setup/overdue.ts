// Lets time pass for an order on a copy of the e2e database, for e2e/loop.e2e.ts: issues an
// order to 计算机与信息工程学院 due in two days, then runs the scheduler's deadline rounds at
// injected times (the day before the deadline, two days after it, ten days after it), as a
// scheduler would when the clock passes them; e2e/loop.e2e.ts then serves the copy from a
// second server and reads the order's timeline.
// Usage: node --import tsx e2e/setup/overdue.ts <pglite dir> <content>   (prints the order's id)
import { eq } from "drizzle-orm";
import { openDb } from "@/db/client";
import { persons, units } from "@/db/schema";
import { createOrder } from "@/server/improvement/orders";
import { runOrderDeadlines } from "@/server/improvement/deadlines";
import { beijingDate } from "@/server/kernel/time";

const DAY = 86_400_000;
async function main(dir: string, content: string) {
  const { db, close } = await openDb({ pgliteDir: dir });
  const now = new Date();
  const [unit] = await db.select({ id: units.id }).from(units).where(eq(units.code, "CS"));
  const [quality] = await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality"));
  if (!unit || !quality) throw new Error("overdue: the demo's CS unit or quality account is missing");
  const deadline = beijingDate(new Date(now.getTime() + 2 * DAY));
  const { id } = await createOrder(db, now, quality, { source: "inspection", unitId: unit.id, content, deadline });
  for (const days of [1, 4, 12]) await runOrderDeadlines(db, new Date(now.getTime() + days * DAY));
  await close();
  console.log(`overdue-order ${id}`);
}

main(process.argv[2] ?? "", process.argv[3] ?? "").catch((e) => {
  console.error(e);
  process.exit(1);
});
