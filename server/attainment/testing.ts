// The hand-worked example the tests of server/attainment share (arithmetic in compute.test.ts).
import { DEFAULT_STRENGTH_VALUES, type AttainmentInput, type AttainmentParams } from "./compute";
import type { AttainmentFile } from "./files";

// A hand-worked programme. Offering C1 has two objectives:
//   CO1 ← Q1 (full 10, w 0.6) and Q2 (full 20, w 0.4);  CO2 ← Q3 (full 50, w 1)
// and three students (s3 has no score for Q2: it counts 0):
//        Q1  Q2  Q3
//   s1    8  14  40
//   s2    6  10  30
//   s3   10   –  45
// Offering C2 has one objective CO1 ← E1 (full 100, w 1); t1 scores 90, t2 70.
// Requirements: R1 with points 1.1 and 1.2; R2 with point 2.1. Support:
//   C1.CO1 → 1.1 H, C2.CO1 → 1.1 M, C1.CO2 → 1.2 L, C2.CO1 → 1.2 H, C1.CO1 → 2.1 H.
export const EXAMPLE: AttainmentInput = {
  requirements: [
    { code: "R1", points: [{ code: "1.1" }, { code: "1.2" }] },
    { code: "R2", points: [{ code: "2.1" }] },
  ],
  support: [
    { course: "C1", objective: "CO1", point: "1.1", strength: "H" },
    { course: "C2", objective: "CO1", point: "1.1", strength: "M" },
    { course: "C1", objective: "CO2", point: "1.2", strength: "L" },
    { course: "C2", objective: "CO1", point: "1.2", strength: "H" },
    { course: "C1", objective: "CO1", point: "2.1", strength: "H" },
  ],
  assessments: [
    { course: "C1", item: "Q1", fullMarks: 10, objective: "CO1", weight: 0.6 },
    { course: "C1", item: "Q2", fullMarks: 20, objective: "CO1", weight: 0.4 },
    { course: "C1", item: "Q3", fullMarks: 50, objective: "CO2", weight: 1 },
    { course: "C2", item: "E1", fullMarks: 100, objective: "CO1", weight: 1 },
  ],
  scores: [
    { course: "C1", student: "s1", item: "Q1", score: 8 },
    { course: "C1", student: "s1", item: "Q2", score: 14 },
    { course: "C1", student: "s1", item: "Q3", score: 40 },
    { course: "C1", student: "s2", item: "Q1", score: 6 },
    { course: "C1", student: "s2", item: "Q2", score: 10 },
    { course: "C1", student: "s2", item: "Q3", score: 30 },
    { course: "C1", student: "s3", item: "Q1", score: 10 },
    { course: "C1", student: "s3", item: "Q3", score: 45 },
    { course: "C2", student: "t1", item: "E1", score: 90 },
    { course: "C2", student: "t2", item: "E1", score: 70 },
  ],
};

export const PARAMS: AttainmentParams = {
  threshold: 0.7,
  method: "item_ratio",
  courseAggregate: "min",
  strengthValues: DEFAULT_STRENGTH_VALUES,
};

// The hand-worked programme of compute.test.ts as the four files.
export const EXAMPLE_FILES: Record<AttainmentFile, string> = {
  requirements: "requirement,point,title\nR1,1.1,工程知识\nR1,1.2,\nR2,2.1,问题分析\n",
  support: "course,objective,point,strength\nC1,CO1,1.1,H\nC2,CO1,1.1,M\nC1,CO2,1.2,L\nC2,CO1,1.2,H\nC1,CO1,2.1,H\n",
  assessments: "course,item,full_marks,objective,weight\nC1,Q1,10,CO1,0.6\nC1,Q2,20,CO1,0.4\nC1,Q3,50,CO2,1\nC2,E1,100,CO1,1\n",
  scores:
    "course,student,item,score\nC1,s1,Q1,8\nC1,s1,Q2,14\nC1,s1,Q3,40\nC1,s2,Q1,6\nC1,s2,Q2,10\nC1,s2,Q3,30\nC1,s3,Q1,10\nC1,s3,Q3,45\nC2,t1,E1,90\nC2,t2,E1,70\n",
};
