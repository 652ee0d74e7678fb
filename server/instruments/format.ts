import { z } from "zod";
import { INSTRUMENT_KINDS } from "@/db/schema/instruments";

/**
 * The instrument file format (one JSON file per instrument in surveys/, and what an
 * upload carries). The SurveyJS definition stays plain SurveyJS; what scoring needs
 * lives beside it:
 *
 *   {
 *     "key": "student_evaluation",           // stable id of the instrument (snake_case)
 *     "kind": "student_evaluation",          // one of INSTRUMENT_KINDS
 *     "name": { "zh": "学生评教表", "en": "Student evaluation of teaching" },
 *     "description": { "zh": "…", "en": "…" },             // optional
 *     "indicators": [                          // 一级指标 with 二级指标 as children
 *       { "id": "I1", "name": {…}, "weight": 0.3, "children": [
 *           { "id": "I1.1", "name": {…}, "weight": 0.5 }, … ] }, … ],
 *     "items": [                               // every scored question → a leaf indicator
 *       { "question": "q1", "indicator": "I1.1", "weight": 1 },
 *       { "question": "abilities", "row": "communication", "indicator": "I2.1", "weight": 0.5 } ],
 *     "unscored": ["q_comment_like_numeric"], // numeric questions deliberately not scored
 *     "survey": { …SurveyJS JSON… }
 *   }
 *
 * Rules (checked by checkInstrument): level-1 weights sum to 1, each indicator's children
 * sum to 1, the items of each leaf indicator sum to 1; items point at leaf indicators and
 * at questions (and matrix rows) that exist; every option of a scored question carries a
 * numeric value, except the reserved value "na" (无法评估/不适用), which is kept apart
 * from the scale; every question whose options are all numeric is either an item or
 * listed in "unscored"; every text shown to respondents has Chinese ("default") and
 * English ("en").
 */
export const NA_VALUE = "na";

export const localizedName = z.object({ zh: z.string().trim().min(1), en: z.string().trim().min(1) });

export type Indicator = { id: string; name: { zh: string; en: string }; weight: number; children?: Indicator[] };
export const indicatorSchema: z.ZodType<Indicator> = z.lazy(() =>
  z.object({
    id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, "indicator id: letters, digits, . _ -"),
    name: localizedName,
    weight: z.number().gt(0).lte(1),
    children: z.array(indicatorSchema).optional(),
  }),
);

export const itemSchema = z.object({
  question: z.string().min(1),
  row: z.string().min(1).optional(),
  indicator: z.string().min(1),
  weight: z.number().gt(0).lte(1),
});
export type Item = z.infer<typeof itemSchema>;

export const instrumentFileSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, "key: lower-case letters, digits and _"),
  kind: z.enum(INSTRUMENT_KINDS),
  name: localizedName,
  description: localizedName.optional(),
  indicators: z.array(indicatorSchema),
  items: z.array(itemSchema),
  unscored: z.array(z.string()).default([]),
  survey: z.record(z.string(), z.unknown()),
});
export type InstrumentFile = z.infer<typeof instrumentFileSchema>;
