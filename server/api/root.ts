import { createCallerFactory, router, type Context } from "./trpc";
import { meRouter } from "./routers/me";
import { orgRouter } from "./routers/org";
import { peopleRouter } from "./routers/people";
import { importsRouter } from "./routers/imports";
import { instrumentsRouter } from "./routers/instruments";
import { respondRouter } from "./routers/respond";
import { campaignsRouter } from "./routers/campaigns";
import { scoringRouter } from "./routers/scoring";
import { appraisalRouter } from "./routers/appraisal";
import { attainmentRouter } from "./routers/attainment";
import { improvementRouter } from "./routers/improvement";
import { commentsRouter } from "./routers/comments";
import { warningsRouter } from "./routers/warnings";
import { inspectionsRouter } from "./routers/inspections";

export const appRouter = router({
  me: meRouter,
  org: orgRouter,
  people: peopleRouter,
  imports: importsRouter,
  instruments: instrumentsRouter,
  respond: respondRouter,
  campaigns: campaignsRouter,
  scoring: scoringRouter,
  appraisal: appraisalRouter,
  attainment: attainmentRouter,
  improvement: improvementRouter,
  comments: commentsRouter,
  warnings: warningsRouter,
  inspections: inspectionsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a context built by hand (tests, scripts). */
export function createCaller(ctx: Partial<Context> & Pick<Context, "db">) {
  return createCallerFactory(appRouter)({ user: null, locale: "zh", now: () => new Date(), ...ctx });
}
