import type { DbOrTx } from "@/db/client";
import { approveVersion, createVersion } from "../instruments/versions";
import type { InstrumentKind } from "./kinds";

const bi = (zh: string, en: string) => ({ default: zh, en });
const agree = [
  { value: 5, text: bi("非常同意", "Strongly agree") },
  { value: 3, text: bi("一般", "Neutral") },
  { value: 1, text: bi("不同意", "Disagree") },
];

/** A minimal valid instrument file of the given kind (key = kind + suffix). */
export function tinyInstrument(kind: InstrumentKind, suffix = "") {
  return {
    key: `${kind}${suffix}`,
    kind,
    name: { zh: `测试 ${kind}`, en: `Test ${kind}` },
    indicators: [{ id: "I1", name: { zh: "总体", en: "Overall" }, weight: 1 }],
    items: [{ question: "q1", indicator: "I1", weight: 1 }],
    unscored: [] as string[],
    survey: {
      pages: [
        {
          name: "p1",
          elements: [{ type: "radiogroup", name: "q1", title: bi("总体满意", "Satisfied overall"), isRequired: true, choices: agree }],
        },
      ],
    },
  };
}

/** Stores a tiny instrument of each kind; approved by `approverId` unless `draft`. Returns kind → version id. */
export async function tinyVersions<K extends InstrumentKind>(
  db: DbOrTx,
  kinds: readonly K[],
  approverId: number,
  opts: { draft?: boolean } = {},
) {
  const out = {} as Record<K, number>;
  for (const kind of kinds) {
    const r = await createVersion(db, tinyInstrument(kind, opts.draft ? "_draft" : ""), approverId);
    if (!opts.draft && r.status === "created") await approveVersion(db, r.versionId, approverId, "测试");
    out[kind] = r.versionId;
  }
  return out;
}
