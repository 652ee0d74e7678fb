/**
 * The Word (.docx) reports: 课程目标达成情况评价报告 of an offering and 毕业要求达成情况评价报告 of a
 * programme's year. Charts are the pages' ECharts options (server/shared/attainment/charts.ts) rendered to SVG on the
 * server (ECharts SSR, fixed size), embedded as SVG with a PNG fallback rasterised by resvg
 * (Word before 2016 and other readers show the PNG).
 */
import { Resvg } from "@resvg/resvg-js";
import { AlignmentType, Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import * as echarts from "echarts";
import type { EChartsOption } from "echarts";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import {
  distributionOption,
  objectivesBarOption,
  requirementsRadarOption,
  trendOption,
  type ChartLabels,
} from "@/server/shared/attainment/charts";
import type { Shortfall } from "./compute";
import type { SectionReport } from "./store";
import type { programmeReport } from "./views";
import type { GroupKey } from "../i18n/messages";
import { at } from "@/server/shared/indexed";

/** An ECharts option as an SVG string (server-side rendering, explicit size). */
export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ textStyle: { fontFamily: "Noto Sans CJK SC, Noto Serif CJK SC, sans-serif" }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The PNG fallback of an SVG at 3× (≈ 288 DPI for a 96-DPI layout), at most 4096 px wide. */
export function svgToPng(svg: string, width: number): Uint8Array {
  const scale = Math.min(3, 4096 / width);
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "Noto Sans CJK SC" },
  });
  return r.render().asPng();
}

function chartRun(option: EChartsOption, width = 600, height = 320): ImageRun {
  const svg = renderSvg(option, width, height);
  return new ImageRun({
    type: "svg",
    data: Buffer.from(svg),
    transformation: { width, height },
    fallback: { type: "png", data: svgToPng(svg, width) },
  });
}

const t = (l: Locale, key: GroupKey<"attainment.report">, p?: Record<string, string | number>) =>
  translate(l, `attainment.report.${key}`, p);
const f3 = (v: number) => v.toFixed(3);

function table(header: string[], rows: string[][]): Table {
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
      ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
    ],
  });
}

export const chartLabels = (l: Locale): ChartLabels => ({
  attainment: t(l, "attainment"),
  threshold: t(l, "threshold"),
  students: t(l, "students"),
  direct: t(l, "direct"),
  indirect: t(l, "indirect"),
});

const para = (text: string) => new Paragraph({ children: [new TextRun(text)] });
const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel] = HeadingLevel.HEADING_1) =>
  new Paragraph({ text, heading: level });

export async function sectionReportDocx(r: SectionReport, locale: Locale): Promise<Uint8Array> {
  const l = chartLabels(locale);
  const objectives = r.result?.objectives ?? [];
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: t(locale, "courseTitle"), heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
    para(`${r.section.courseCode} ${r.section.courseName} · ${r.section.code} · ${r.section.termCode}`),
    para(
      t(locale, "params", {
        threshold: r.params.threshold,
        method: translate(locale, `attainment.methods.${r.params.method}`),
        version: r.modelVersion ?? "—",
      }),
    ),
  ];
  if (r.result) {
    const course = at(r.result.courses, 0); // a course's report: its one course
    children.push(
      heading(t(locale, "objectives")),
      new Paragraph({
        children: [
          chartRun(
            objectivesBarOption(
              objectives.map((o) => ({ label: o.objective, value: o.attainment })),
              r.params.threshold,
              l,
            ),
          ),
        ],
      }),
      table(
        [
          t(locale, "objective"),
          t(locale, "attainment"),
          t(locale, "students"),
          t(locale, "share"),
          t(locale, "quartiles"),
          t(locale, "verdict"),
        ],
        objectives.map((o) => [
          `${o.objective} ${r.objectiveTitles[o.objective] ?? ""}`.trim(),
          f3(o.attainment),
          String(o.students),
          f3(o.shareAtThreshold),
          o.quartiles.map(f3).join(" / "),
          o.attained ? t(locale, "attained") : t(locale, "notAttained"),
        ]),
      ),
      para(t(locale, "courseValue", { value: f3(course.attainment), weakest: course.weakestObjective })),
      heading(t(locale, "distribution")),
      new Paragraph({
        children: [
          chartRun(
            distributionOption(
              objectives.map((o) => ({ label: o.objective, values: o.studentValues })),
              l,
            ),
          ),
        ],
      }),
      heading(t(locale, "items")),
      table(
        [t(locale, "objective"), t(locale, "item"), t(locale, "fullMarks"), t(locale, "weight"), t(locale, "mean"), t(locale, "ratio")],
        objectives.flatMap((o) =>
          o.items.map((i) => [o.objective, i.item, String(i.fullMarks), String(i.weight), i.mean.toFixed(2), f3(i.ratio)]),
        ),
      ),
    );
  } else {
    children.push(para(t(locale, "noData")));
  }
  children.push(
    heading(t(locale, "analysis")),
    para(r.notes.analysis || "—"),
    heading(t(locale, "measures")),
    para(r.notes.measures || "—"),
  );
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

type ProgrammeReport = Awaited<ReturnType<typeof programmeReport>>;

export async function programmeReportDocx(r: ProgrammeReport, locale: Locale): Promise<Uint8Array> {
  const l = chartLabels(locale);
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: t(locale, "programmeTitle"), heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
    para(`${r.programme.code} ${r.programme.name} · ${r.year ?? "—"}`),
    para(
      t(locale, "params", {
        threshold: r.model.threshold,
        method: translate(locale, `attainment.methods.${r.model.method}`),
        version: r.model.version,
      }),
    ),
  ];
  const result = r.run?.result;
  if (result) {
    const titles = new Map(r.model.requirements.map((q) => [q.code, q.title ?? ""]));
    const ind = new Map((result.indirect?.requirements ?? []).map((x) => [x.requirement, x]));
    const alpha = result.indirect?.alpha ?? null;
    children.push(
      heading(t(locale, "requirements")),
      new Paragraph({
        children: [
          chartRun(
            requirementsRadarOption(
              result.requirements.map((q) => ({
                code: q.requirement,
                direct: q.attainment,
                indirect: ind.get(q.requirement)?.indirect?.value ?? null,
              })),
              r.model.threshold,
              l,
            ),
            560,
            420,
          ),
        ],
      }),
      table(
        [
          t(locale, "requirement"),
          t(locale, result.indirect ? "direct" : "attainment"),
          ...(result.indirect ? [t(locale, "indirect")] : []),
          ...(alpha !== null ? [t(locale, "blended", { alpha })] : []),
          t(locale, "weakestPoint"),
          t(locale, "verdict"),
        ],
        result.requirements.map((q) => {
          const x = ind.get(q.requirement);
          return [
            `${q.requirement} ${titles.get(q.requirement) ?? ""}`.trim(),
            f3(q.attainment),
            ...(result.indirect ? [x?.indirect ? `${f3(x.indirect.value)} (n=${x.indirect.n})` : "—"] : []),
            ...(alpha !== null ? [x?.blended == null ? "—" : f3(x.blended)] : []),
            q.weakestPoint,
            q.attained ? t(locale, "attained") : t(locale, "notAttained"),
          ];
        }),
      ),
      ...(result.indirect
        ? [
            para(t(locale, "indirectNote", { withheld: Object.values(result.indirect.withheld).reduce((a, b) => a + (b ?? 0), 0) })),
            heading(t(locale, "trainingObjectives")),
            table(
              [t(locale, "trainingObjective"), t(locale, "directViaMatrix"), t(locale, "indirect")],
              result.indirect.objectives.map((o) => [
                o.objective,
                o.direct === null ? "—" : f3(o.direct),
                o.indirect ? `${f3(o.indirect.value)} (n=${o.indirect.n})` : "—",
              ]),
            ),
          ]
        : []),
      ...(r.trend.length
        ? [
            heading(t(locale, "trend")),
            new Paragraph({
              children: [
                chartRun(
                  trendOption(r.trend, r.model.threshold, l, (y) => t(locale, "cohortOf", { year: y.slice(5) })),
                  560,
                  300,
                ),
              ],
            }),
          ]
        : []),
      heading(t(locale, "points")),
      table(
        [t(locale, "point"), t(locale, "attainment"), t(locale, "supportedBy")],
        result.points.map((p) => [
          p.point,
          f3(p.attainment),
          p.contributions.map((c) => `${c.course} ${c.objective} (${c.strength}) ${f3(c.attainment)}`).join("; "),
        ]),
      ),
      heading(t(locale, "shortfalls")),
      ...(r.shortfalls.length ? [shortfallTable(r.shortfalls, locale)] : [para(t(locale, "noShortfalls"))]),
    );
  } else {
    children.push(para(t(locale, "noData")));
  }
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

function shortfallTable(list: Shortfall[], locale: Locale): Table {
  return table(
    [t(locale, "level"), t(locale, "what"), t(locale, "attainment"), t(locale, "nextYear")],
    list.map((s) => [
      t(locale, `levels.${s.level}`),
      s.course ? `${s.course} ${s.code}` : s.code,
      f3(s.attainment),
      s.next === null ? "—" : f3(s.next),
    ]),
  );
}
