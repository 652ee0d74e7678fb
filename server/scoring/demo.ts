import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { DEMO_TERMS } from "@/server/demo/seed";
import { col, queryRow, queryRows } from "@/db/query";
import { publishCampaign } from "../campaigns/campaigns";
import type { RaterGroup } from "../campaigns/kinds";
import type { InstrumentFile } from "../instruments/format";
import { recompute } from "./compute";
import { loadHistory } from "./history";
import type { LongData, LongGroup, LongTarget } from "./longformat";
import { approvePolicy, createPolicy, currentPolicy, defaultPolicy } from "./policies";
import { answersFor, rng } from "./simulate";

export const DEMO_HISTORY_CAMPAIGN = `${DEMO_TERMS.previous} 学期期末评教（原系统导入）`;

const schoolYearOf = (term: string) => term.slice(0, 9);

/**
 * The demo's scoring: an approved policy (the documented defaults) for each demo school year,
 * last term's end-of-term results "from the previous system" imported as the quality office
 * would (loadHistory, mode "existing": students with a response rate of 70–95 %, the teacher's
 * self-evaluation, three supervisors on about half the sections and three peers on a third,
 * a few straight-liners), and the figures of both years computed. Deterministic (seeded
 * random numbers). Skipped when a policy exists.
 */
export async function seedDemoScores(db: Db, log: (line: string) => void) {
  if (await queryRow(db, { id: col.int }, sql`select id from scoring_policies limit 1`)) return;
  const quality = await queryRow(db, { id: col.int }, sql`select id from persons where number = 'quality'`);
  const actor = quality?.id ?? null;
  const started = performance.now();
  for (const term of [DEMO_TERMS.previous, DEMO_TERMS.current]) {
    const created = await createPolicy(db, defaultPolicy(schoolYearOf(term)), actor);
    if (actor !== null) await approvePolicy(db, created.id, actor, "示范数据：学年评分方案（教学质量评价委员会审议通过）", new Date());
  }

  const files = await queryRows(
    db,
    { kind: col.text, key: col.text, version: col.int, definition: col.json<InstrumentFile>() },
    sql`
    select distinct on (i.kind) i.kind::text as kind, i.key, v.version, v.definition from instrument_versions v join instruments i on i.id = v.instrument_id
    where v.status = 'approved' order by i.kind, v.version desc`,
  );
  const byKind = new Map(
    files.map((f) => [
      f.kind,
      {
        label: `${f.key}@${f.version}`,
        file: f.definition,
      },
    ]),
  );
  const student = byKind.get("student_evaluation"),
    self = byKind.get("self_evaluation");
  const supervisor = byKind.get("supervisor_observation"),
    peer = byKind.get("peer_evaluation");
  if (!student || !self || !supervisor || !peer) return;

  const sections = await queryRows(
    db,
    { code: col.text, teacher: col.text, enrolled: col.int },
    sql`
    select s.code, p.number as teacher, (select count(*) from enrolments e where e.section_id = s.id and e.status = 'enrolled') as enrolled
    from sections s join terms tm on tm.id = s.term_id
      join section_teachers st on st.section_id = s.id and st.role = 'lead' join persons p on p.id = st.person_id
    where tm.code = ${DEMO_TERMS.previous} order by s.code`,
  );
  const random = rng(20260701);
  // Teachers differ less than raters do (class-mean reliability of one student ≈ 0.1–0.3, as
  // published for student ratings): teacher level 0.6–0.85, each rater ±0.25 around it.
  const teacherLevel = (number: string) => 0.6 + (createHash("sha256").update(number).digest().readUInt8(0) / 255) * 0.25;
  const targets: LongTarget[] = [];
  for (const s of sections) {
    const level = Math.min(0.95, teacherLevel(s.teacher) + (random() - 0.5) * 0.1);
    const enrolled = s.enrolled;
    const groups: LongGroup[] = [];
    const group = (
      g: RaterGroup,
      v: { label: string; file: InstrumentFile },
      n: number,
      eligible: number | null,
      noise = 0.2,
    ): LongGroup => ({
      group: g,
      versionLabel: v.label,
      eligible,
      responses: Array.from({ length: n }, (_, i) => {
        const straight = g === "student" && random() < 0.03;
        const rater = level + (random() - 0.5) * (g === "student" ? 0.5 : 0.2);
        const answers = straight ? answersFor(v.file, 1, random, { noise: 0 }) : answersFor(v.file, rater, random, { noise, na: 0.02 });
        return { response: String(i + 1), answers };
      }),
    });
    if (enrolled > 0) groups.push(group("student", student, Math.round(enrolled * (0.7 + random() * 0.25)), enrolled));
    groups.push(group("self", self, 1, 1, 0.1));
    if (random() < 0.5) groups.push(group("supervisor", supervisor, 3, null, 0.2));
    if (random() < 0.35) groups.push(group("peer", peer, 3, null, 0.2));
    targets.push({
      campaign: DEMO_HISTORY_CAMPAIGN,
      section: s.code,
      teacher: s.teacher,
      target: "",
      term: DEMO_TERMS.previous,
      unit: "",
      courseType: "",
      level: "",
      teacherUnit: "",
      teacherOffice: "",
      groups,
    });
  }
  const data: LongData = {
    targets,
    rows: 0,
    columns: [],
    versionLabels: [...new Set(targets.flatMap((t) => t.groups.map((g) => g.versionLabel)))].sort(),
  };
  const loaded = await loadHistory(db, data, { mode: "existing", actorId: actor });
  // The previous system had published them: the teachers see their own results.
  for (const c of loaded.campaigns) await publishCampaign(db, c.id, new Date(), actor);
  let computed = 0;
  for (const term of [DEMO_TERMS.previous, DEMO_TERMS.current]) {
    const p = await currentPolicy(db, schoolYearOf(term));
    if (p) computed += (await recompute(db, p, { trigger: "import", actorId: actor })).results;
  }
  log(
    `Demo scores: ${loaded.responses} responses of ${DEMO_TERMS.previous} imported, ${computed} target results computed ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s).`,
  );
}
