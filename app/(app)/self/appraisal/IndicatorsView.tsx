"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Empty, Input, InputNumber, Select, Space, Spin, Table, Tag, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { termTrendOption } from "@/server/shared/appraisal/charts";
import { localName } from "@/server/shared/i18n/names";
import { useNum, type AppraisalOut } from "../../../_components/appraisal/parts";
import { EChart } from "../../../_components/EChart";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

type View = AppraisalOut["indicators"];
type Block = View["blocks"][number];
type Figure = Block["indicators"][number]["teacher"];
type Plan = AppraisalOut["diagnosis"]["plan"];
type Cutoffs = { excellent: number; good: number; pass: number };

function useFigure() {
  const t = useTranslations("appraisal.indicators");
  const num = useNum();
  return (f: Figure | null, norm = false) => {
    if (!f) return <Typography.Text type="secondary">{t("unknown")}</Typography.Text>;
    return (
      <div>
        <div>{t(norm ? "normFigure" : "figure", { mean: num(f.mean), n: f.n })}</div>
        {f.ci95 && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {num(f.ci95[0])} – {num(f.ci95[1])}
          </Typography.Text>
        )}
      </div>
    );
  };
}

/**
 * The teacher's own figures one level below the composite: a term's indicators against the norm
 * group (differences marked only where the 95 % intervals separate), the composite's trend over
 * terms, and the self-diagnosis plan of the term with the outcome of last term's.
 */
export function IndicatorsView({ cutoffs }: { cutoffs: Cutoffs }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.indicators");
  const [termId, setTermId] = useState<number | undefined>(undefined);
  const view = useQuery(trpc.appraisal.indicators.queryOptions({ termId }));
  if (view.error) return <Alert type="error" title={view.error.message} />;
  const v = view.data;
  if (view.isLoading || v === undefined)
    return (
      <Card>
        <Spin />
      </Card>
    );
  const term = v.term;
  const index = term ? v.terms.findIndex((x) => x.id === term.id) : -1;
  const previous = index >= 0 ? (v.terms[index + 1] ?? null) : null;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card
        size="small"
        data-testid="indicators-card"
        title={t("title")}
        extra={
          v.terms.length > 0 && (
            <Select
              value={v.term?.id}
              style={{ width: 130 }}
              aria-label={t("term")}
              data-testid="indicators-term"
              onChange={setTermId}
              options={v.terms.map((x) => ({ value: x.id, label: x.code }))}
            />
          )
        }
      >
        <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
        {v.terms.length === 0 ? (
          <Empty description={t("noTerms")} />
        ) : v.blocks.length === 0 ? (
          <Empty description={t("none")} />
        ) : (
          v.blocks.map((b) => <IndicatorTable key={`${b.group}-${b.versionId}`} block={b} />)
        )}
      </Card>
      <Card size="small" title={t("trendTitle")}>
        <Trend points={v.trend} cutoffs={cutoffs} />
      </Card>
      {v.term && v.blocks.length > 0 && <DiagnosisCard termId={v.term.id} termCode={v.term.code} />}
      {previous && <OutcomeCard termId={previous.id} termCode={previous.code} />}
    </Space>
  );
}

function IndicatorTable({ block }: { block: Block }) {
  const t = useTranslations("appraisal.indicators");
  const tg = useTranslations("campaigns.raterGroups");
  const locale = useLocale();
  const figure = useFigure();
  return (
    <div style={{ marginBottom: 16 }} data-testid={`indicators-${block.group}`}>
      <Typography.Text strong>
        {t("block", {
          group: tg(block.group as GroupKey<"campaigns.raterGroups">),
          instrument: localName(locale, block.instrumentName.zh, block.instrumentName.en),
          targets: block.targets,
          n: block.n,
          classes: block.normClasses,
        })}
      </Typography.Text>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={block.indicators}
        scroll={{ x: 420 }}
        style={{ marginTop: 8 }}
        columns={[
          {
            title: t("indicator"),
            dataIndex: "id",
            render: (_: string, r) => (
              <span style={{ paddingLeft: r.level > 1 ? 16 : 0, fontWeight: r.level === 1 ? 600 : 400 }}>
                {localName(locale, r.name.zh, r.name.en)}
              </span>
            ),
          },
          { title: t("mine"), key: "mine", render: (_, r) => figure(r.teacher) },
          { title: t("norm"), key: "norm", render: (_, r) => figure(r.norm, true) },
          {
            title: t("difference"),
            dataIndex: "difference",
            render: (d: Block["indicators"][number]["difference"]) =>
              d === "above" ? (
                <Tag color="green" data-testid="diff-above">
                  {t("above")}
                </Tag>
              ) : d === "below" ? (
                <Tag color="red" data-testid="diff-below">
                  {t("below")}
                </Tag>
              ) : (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t("same")}
                </Typography.Text>
              ),
          },
        ]}
      />
    </div>
  );
}

function Trend({ points, cutoffs }: { points: View["trend"]; cutoffs: Cutoffs }) {
  const t = useTranslations("appraisal.indicators");
  const num = useNum();
  const option = useMemo(
    () => termTrendOption(points, cutoffs, (p) => t("trendLabel", { score: num(p.score), n: p.n })),
    [points, cutoffs, t, num],
  );
  if (points.length === 0) return <Empty description={t("trendEmpty")} />;
  return <EChart testid="trend-chart" height={240} option={option} />;
}

/**
 * A target reads as typed: 88 stays "88" and 87.5 "87.5" (without a formatter antd pads to the
 * step's decimals, "88.0"); the default is already rounded to one decimal by the server.
 */
const targetText = (value: number | string | undefined, info: { userTyping: boolean; input: string }) =>
  info.userTyping ? info.input : value === undefined ? "" : String(value);

type Draft = Record<string, { target?: number | null; causes?: string; measures?: string }>;
const keyOf = (r: Plan["rows"][number]) => `${r.group}|${r.instrument}|${r.indicator}`;

/** A term's self-diagnosis plan and what its cards print with. */
function usePlan(termId: number) {
  const trpc = useTRPC();
  return {
    trpc,
    plan: useQuery(trpc.appraisal.diagnosis.plan.queryOptions({ termId })),
    t: useTranslations("appraisal.diagnosis"),
    ti: useTranslations("appraisal.indicators"),
    tg: useTranslations("campaigns.raterGroups"),
    locale: useLocale(),
    num: useNum(),
  };
}

function DiagnosisCard({ termId, termCode }: { termId: number; termCode: string }) {
  const { trpc, plan, t, ti, tg, locale, num } = usePlan(termId);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [draft, setDraft] = useState<Draft>({});
  const save = useMutation(
    trpc.appraisal.diagnosis.save.mutationOptions({
      onSuccess: () => {
        void message.success(t("saved"));
        setDraft({});
        void qc.invalidateQueries({ queryKey: trpc.appraisal.diagnosis.pathKey() });
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  if (plan.error) return <Alert type="error" title={plan.error.message} />;
  const p = plan.data;
  if (plan.isLoading || p === undefined)
    return (
      <Card>
        <Spin />
      </Card>
    );
  const value = (r: Plan["rows"][number]) => ({ target: r.target, causes: r.causes ?? "", measures: r.measures ?? "", ...draft[keyOf(r)] });
  const set = (r: Plan["rows"][number], patch: Draft[string]) => setDraft({ ...draft, [keyOf(r)]: { ...draft[keyOf(r)], ...patch } });
  return (
    <Card size="small" title={t("title", { term: termCode })} data-testid="diagnosis-card">
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      <Space orientation="vertical" size={12} style={{ width: "100%" }}>
        {p.rows.map((r) => {
          const d = value(r);
          return (
            <Card
              key={keyOf(r)}
              size="small"
              type="inner"
              data-testid={`diagnosis-${r.group}-${r.indicator}`}
              title={
                <span>
                  {localName(locale, r.name.zh, r.name.en)}{" "}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {tg(r.group as GroupKey<"campaigns.raterGroups">)}
                  </Typography.Text>
                </span>
              }
              extra={r.saved ? <Tag color="blue">{t("saved")}</Tag> : <Tag>{t("notSaved")}</Tag>}
            >
              <Space wrap size={[16, 8]} style={{ marginBottom: 8 }}>
                <span>
                  {t("current")}: {r.current ? ti("figure", { mean: num(r.current.mean), n: r.current.n }) : "—"}
                </span>
                <span>
                  {t("normMean")}: {r.norm ? ti("normFigure", { mean: num(r.norm.mean), n: r.norm.n }) : "—"}
                </span>
                <span>
                  {t("target")}:{" "}
                  <InputNumber
                    size="small"
                    min={0}
                    max={p.outOf}
                    step={0.5}
                    value={d.target}
                    data-testid="diagnosis-target"
                    formatter={targetText}
                    aria-label={t("target")}
                    onChange={(x) => set(r, { target: x })}
                    style={{ width: 90 }}
                  />
                </span>
              </Space>
              <Input.TextArea
                rows={2}
                maxLength={2000}
                placeholder={t("causes")}
                aria-label={t("causes")}
                value={d.causes}
                data-testid="diagnosis-causes"
                onChange={(e) => set(r, { causes: e.target.value })}
                style={{ marginBottom: 8 }}
              />
              <Input.TextArea
                rows={2}
                maxLength={2000}
                placeholder={t("measures")}
                aria-label={t("measures")}
                value={d.measures}
                data-testid="diagnosis-measures"
                onChange={(e) => set(r, { measures: e.target.value })}
              />
            </Card>
          );
        })}
        <Button
          type="primary"
          loading={save.isPending}
          data-testid="diagnosis-save"
          onClick={() =>
            save.mutate({
              termId,
              items: p.rows.map((r) => {
                const d = value(r);
                return {
                  group: r.group,
                  instrument: r.instrument,
                  indicator: r.indicator,
                  target: d.target ?? r.target,
                  causes: d.causes || undefined,
                  measures: d.measures || undefined,
                };
              }),
            })
          }
        >
          {t("save")}
        </Button>
      </Space>
    </Card>
  );
}

function OutcomeCard({ termId, termCode }: { termId: number; termCode: string }) {
  const { plan, t, ti, tg, locale, num } = usePlan(termId);
  const data = plan.data;
  if (plan.isLoading || plan.error || data === undefined) return null;
  const rows = data.rows.filter((r) => r.saved);
  return (
    <Card size="small" title={t("outcomeTitle", { term: termCode })} data-testid="diagnosis-outcome">
      {rows.length === 0 ? (
        <Typography.Text type="secondary">{t("noPlan")}</Typography.Text>
      ) : (
        <Table
          size="small"
          rowKey={keyOf}
          pagination={false}
          dataSource={rows}
          scroll={{ x: 420 }}
          columns={[
            {
              title: ti("indicator"),
              key: "name",
              render: (_, r) => `${localName(locale, r.name.zh, r.name.en)}（${tg(r.group as GroupKey<"campaigns.raterGroups">)}）`,
            },
            { title: t("target"), dataIndex: "target", render: (x: number) => num(x) },
            {
              title: t("reached", { term: data.next?.code ?? "", value: "" }).trim(),
              key: "value",
              render: (_, r) => (r.next?.value ? ti("figure", { mean: num(r.next.value.mean), n: r.next.value.n }) : "—"),
            },
            {
              title: "",
              key: "met",
              render: (_, r) =>
                r.next?.met === true ? (
                  <Tag color="green">{t("met")}</Tag>
                ) : r.next?.met === false ? (
                  <Tag color="red">{t("notMet")}</Tag>
                ) : (
                  <Tag>{t("pending")}</Tag>
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}
