import * as echarts from "echarts";
import { describe, expect, it } from "vitest";
import { requirementsRadarOption, trendOption } from "./charts";

// The pages' chart definitions draw on the server too (SVG, for the Word reports).
const svgOf = (option: echarts.EChartsOption) => {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 600, height: 300 });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
};
const labels = { attainment: "达成度", threshold: "阈值", students: "学生数", direct: "直接评价", indirect: "间接评价" };

describe("attainment charts", () => {
  it("trend: a line per requirement over the cohorts, a gap where a year lacks it, the threshold dashed", () => {
    const option = trendOption(
      [
        {
          year: "2025-2026",
          requirements: [
            { requirement: "GR1", attainment: 0.6834 },
            { requirement: "GR2", attainment: 0.75 },
          ],
        },
        { year: "2026-2027", requirements: [{ requirement: "GR1", attainment: 0.7213 }] },
      ],
      0.7,
      labels,
      (y) => `${y.slice(5)}届`,
    );
    expect((option.xAxis as { data: string[] }).data).toEqual(["2026届", "2027届"]);
    const series = option.series as { name: string; data: (number | null)[]; markLine?: { data: { yAxis: number }[] } }[];
    expect(series.map((s) => s.name)).toEqual(["GR1", "GR2"]);
    // values to three decimals: 0.6834 → 0.683, 0.7213 → 0.721
    expect(series[0]?.data).toEqual([0.683, 0.721]);
    expect(series[1]?.data).toEqual([0.75, null]);
    expect(series[0]?.markLine?.data).toEqual([{ yAxis: 0.7 }]);
    expect(svgOf(option)).toContain("2027届");
  });

  it("radar: the direct values beside the indirect ones where there are any", () => {
    const option = requirementsRadarOption(
      [
        { code: "GR1", direct: 0.72, indirect: 0.81 },
        { code: "GR6", direct: 0.66, indirect: null },
      ],
      0.7,
      labels,
    );
    const [radar] = option.series as { data: { name: string; value: (number | string)[] }[] }[];
    expect(radar?.data.map((d) => d.name)).toEqual(["直接评价", "间接评价", "阈值 0.7"]);
    expect(radar?.data[1]?.value).toEqual([0.81, "-"]);
    expect(svgOf(option)).toContain("<svg");
  });
});
