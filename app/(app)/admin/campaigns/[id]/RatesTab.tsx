"use client";
import { useQuery } from "@tanstack/react-query";
import { Alert, Progress, Segmented, Space, Table, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { Figure, RateBar, useUnitName, type CampaignsOut, type Detail } from "../_components/shared";
import { useLocalName } from "../../../../_components/localName";

type Dim = "unit" | "programme" | "course" | "section";
type Row = CampaignsOut["rates"]["rows"][number];
const POLL_MS = 15_000;

export function RatesTab({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const cn = useLocalName();
  const format = useFormatter();
  const dims: Dim[] = detail.sectionKind ? ["unit", "programme", "course", "section"] : ["unit", "programme"];
  const [by, setBy] = useState<Dim>("unit");
  const open = detail.campaign.state === "open";
  const rates = useQuery({
    ...trpc.campaigns.rates.queryOptions({ campaignId: detail.campaign.id, by }),
    refetchInterval: open ? POLL_MS : false,
  });
  const total = rates.data?.total;
  const pct = total?.rate == null ? 0 : Math.round(total.rate * 1000) / 10;
  const num = (n: number | null) => (n === null ? "—" : format.number(n));
  const unitName = useUnitName();
  // An observation round counts observation records (due and in), not anonymous raters:
  // no tokens and no declining, so those columns are left out.
  const obs = detail.campaign.kind === "observation_round";
  const eligibleLabel = obs ? t("admin.rates.observationEligible") : t("admin.rates.eligible");
  const answeredLabel = obs ? t("admin.rates.observationAnswered") : t("admin.rates.answered");

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="rates">
      {detail.campaign.source === "import" && <Alert type="info" showIcon title={t("admin.rates.imported")} data-testid="rates-imported" />}
      <Space wrap size="large" align="center">
        <Progress
          type="dashboard"
          percent={pct}
          size={110}
          format={(p) => (total?.rate == null ? "—" : `${p}%`)}
          data-testid="rate-total"
        />
        {total && (
          <Space wrap size="large">
            <Figure label={eligibleLabel} value={total.eligible} testid="rate-eligible" />
            {!obs && <Figure label={t("admin.rates.started")} value={total.started ?? "—"} />}
            <Figure label={answeredLabel} value={total.answered ?? "—"} testid="rate-answered" />
            {!obs && <Figure label={t("admin.rates.declined")} value={total.declined ?? "—"} />}
          </Space>
        )}
      </Space>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {obs ? t("admin.rates.observationHelp") : t("admin.rates.help")}
        {open &&
          rates.dataUpdatedAt > 0 &&
          ` ${t("admin.rates.updated", { when: format.dateTime(new Date(rates.dataUpdatedAt), { timeStyle: "medium" }) })}`}
      </Typography.Text>
      <Segmented<Dim>
        value={by}
        onChange={setBy}
        data-testid="rates-by"
        options={dims.map((d) => ({ value: d, label: t(`admin.rates.by.${d}`) }))}
      />
      {rates.error && <Typography.Text type="danger">{rates.error.message}</Typography.Text>}
      <Table<Row>
        size="small"
        data-testid="rates-table"
        loading={rates.isLoading}
        dataSource={rates.data?.rows ?? []}
        rowKey={(r) => String(r.id)}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("admin.rates.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small" }}
        columns={[
          {
            title: t(`admin.rates.by.${by}`),
            key: "name",
            render: (_, r) => (
              <div style={{ whiteSpace: "normal", minWidth: 120, maxWidth: 300 }}>
                {by === "section"
                  ? cn(r.course ?? r.name, r.courseEn)
                  : by === "unit"
                    ? unitName(r.id, r.name)
                    : cn(r.name, r.nameEn) || "—"}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[r.code, by === "section" ? r.teachers : null].filter(Boolean).join(" · ")}
                  </Typography.Text>
                </div>
              </div>
            ),
          },
          {
            title: t("admin.rates.rate"),
            key: "rate",
            sorter: (a, b) => (a.rate ?? -1) - (b.rate ?? -1),
            render: (_, r) => (
              <RateBar
                rate={r.rate}
                width={130}
                responded={r.answered === null || r.declined === null ? undefined : r.answered + r.declined}
                eligible={r.eligible}
              />
            ),
          },
          {
            title: eligibleLabel,
            dataIndex: "eligible",
            align: "right",
            render: num,
            sorter: (a, b) => a.eligible - b.eligible,
            responsive: ["md"],
          },
          { title: answeredLabel, dataIndex: "answered", align: "right", render: num, responsive: ["md"] },
          ...(obs
            ? []
            : [
                {
                  title: t("admin.rates.declined"),
                  dataIndex: "declined",
                  align: "right" as const,
                  render: num,
                  responsive: ["md" as const],
                },
                {
                  title: t("admin.rates.started"),
                  dataIndex: "started",
                  align: "right" as const,
                  render: num,
                  responsive: ["md" as const],
                },
              ]),
        ]}
      />
    </Space>
  );
}
