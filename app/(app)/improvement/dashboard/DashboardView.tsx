"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, Col, Row, Space, Statistic, Table, Typography } from "antd";
import type { EChartsOption } from "echarts";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useMemo } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import type { ImprovementSource } from "@/db/schema/enums";
import { EChart } from "../../../_components/EChart";
import { useLocalName } from "../../../_components/localName";
import { useTRPC } from "../../../_components/trpc";

type D = inferRouterOutputs<AppRouter>["improvement"]["dashboard"];
type Cell = D["total"];

/** Open, overdue, closed this term, median days to close and the reopen rate; by unit (with a chart) and by source. */
export function DashboardView() {
  const t = useTranslations("improvement");
  const trpc = useTRPC();
  const cn = useLocalName();
  const q = useQuery(trpc.improvement.dashboard.queryOptions());
  const d = q.data;
  const option = useMemo<EChartsOption | null>(
    () =>
      !d
        ? null
        : {
            tooltip: { trigger: "axis" },
            legend: { bottom: 0 },
            grid: { left: 8, right: 8, top: 16, bottom: 40, containLabel: true },
            xAxis: {
              type: "category",
              data: d.byUnit.map((u) => cn(u.unitName, u.unitNameEn)),
              axisLabel: { interval: 0, rotate: d.byUnit.length > 4 ? 30 : 0 },
            },
            yAxis: { type: "value", minInterval: 1 },
            series: [
              { name: t("page.open"), type: "bar", data: d.byUnit.map((u) => u.open) },
              { name: t("page.overdue"), type: "bar", data: d.byUnit.map((u) => u.overdue), itemStyle: { color: "#cf1322" } },
              { name: t("page.closedThisTerm"), type: "bar", data: d.byUnit.map((u) => u.closedThisTerm), itemStyle: { color: "#389e0d" } },
            ],
          },
    [d, cn, t],
  );
  if (!d) return <Card loading />;
  const pct = (x: number | null) => (x === null ? t("page.none") : `${Math.round(x * 1000) / 10}%`);
  const days = (x: number | null) => (x === null ? t("page.none") : t("page.days", { days: x }));
  const cols = [
    { title: t("page.open"), dataIndex: "open" },
    { title: t("page.overdue"), dataIndex: "overdue" },
    { title: t("page.closedThisTerm"), dataIndex: "closedThisTerm" },
    { title: t("page.median"), dataIndex: "medianDaysToClose", render: days },
    { title: t("page.reopenRate"), dataIndex: "reopenRate", render: pct },
    { title: "n", dataIndex: "n" },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Space wrap>
            {t("page.dashboard")}
            <Typography.Text type="secondary">{d.term?.code ?? t("page.noTerm")}</Typography.Text>
            <Link href="/improvement">{t("page.title")}</Link>
          </Space>
        }
      >
        <Row gutter={[16, 16]} data-testid="dashboard-total">
          <Col xs={12} md={4}>
            <Statistic title={t("page.open")} value={d.total.open} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic
              title={t("page.overdue")}
              value={d.total.overdue}
              styles={{ content: { color: d.total.overdue ? "#cf1322" : undefined } }}
            />
          </Col>
          <Col xs={12} md={5}>
            <Statistic title={t("page.closedThisTerm")} value={d.total.closedThisTerm} />
          </Col>
          <Col xs={12} md={5}>
            <Statistic title={t("page.median")} value={days(d.total.medianDaysToClose)} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t("page.reopenRate")} value={pct(d.total.reopenRate)} />
          </Col>
          <Col xs={12} md={2}>
            <Statistic title="n" value={d.total.n} />
          </Col>
        </Row>
      </Card>
      <Card title={t("page.byUnit")}>
        {option && d.byUnit.length > 0 && <EChart option={option} height={300} testid="dashboard-chart" />}
        <Table<D["byUnit"][number]>
          rowKey="unitId"
          size="small"
          pagination={false}
          scroll={{ x: "max-content" }}
          dataSource={d.byUnit}
          data-testid="dashboard-units"
          columns={[
            {
              title: t("page.unit"),
              key: "unit",
              render: (_: unknown, u) => <Link href={`/improvement?unitId=${u.unitId}`}>{cn(u.unitName, u.unitNameEn)}</Link>,
            },
            ...cols,
          ]}
        />
      </Card>
      <Card title={t("page.bySource")}>
        <Table<Cell & { source: ImprovementSource }>
          rowKey="source"
          size="small"
          pagination={false}
          scroll={{ x: "max-content" }}
          dataSource={d.bySource}
          columns={[{ title: t("page.source"), dataIndex: "source", render: (s: ImprovementSource) => t(`sources.${s}`) }, ...cols]}
        />
      </Card>
    </Space>
  );
}
