import * as echarts from "echarts";
import { describe, expect, it } from "vitest";
import { bandsPerUnitOption, historyOption } from "./charts";

// The pages' chart definitions draw on the server too (SVG, for reports).
const svgOf = (option: echarts.EChartsOption) => {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 600, height: 300 });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
};

describe("appraisal charts", () => {
  it("bands per unit: one stacked bar per unit, a series per band with its counts", () => {
    const option = bandsPerUnitOption(
      [
        { unit: "外国语学院", band: "excellent", n: 1 },
        { unit: "外国语学院", band: "good", n: 2 },
        { unit: "马克思主义学院", band: "good", n: 7 },
        { unit: "马克思主义学院", band: null, n: 3 },
      ],
      { excellent: "优秀", good: "良好", pass: "合格", fail: "不合格", none: "不定等次" },
      "全校",
    );
    const series = option.series as { name: string; data: { value: number }[] }[];
    expect(series.map((s) => s.name)).toEqual(["优秀", "良好", "合格", "不合格", "不定等次"]);
    expect(series[1]?.data.map((d) => d.value)).toEqual([2, 7]);
    expect(series[4]?.data.map((d) => d.value)).toEqual([0, 3]);
    const svg = svgOf(option);
    expect(svg).toContain("<svg");
    expect(svg).toContain("马克思主义学院");
  });

  it("history: the composite per year with the cut-offs as lines", () => {
    const option = historyOption(
      [
        { schoolYear: "2024-2025", score: 81.26, band: "good" },
        { schoolYear: "2025-2026", score: 91.04, band: "excellent" },
      ],
      { excellent: 90, good: 75, pass: 60 },
      (b) => (b === "good" ? "良好" : "优秀"),
    );
    const [line] = option.series as { data: { value: number | null }[] }[];
    expect(line?.data.map((d) => d.value)).toEqual([81.3, 91]);
    expect(svgOf(option)).toContain("2025-2026");
  });
});
