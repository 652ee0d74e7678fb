"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { App, Form, Grid, Progress, Select, Space, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../../../_components/trpc";
import { useLocalName } from "../../../../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";
import { beijingWallClock, fromBeijingWallClock } from "@/server/kernel/time";

export type CampaignsOut = inferRouterOutputs<AppRouter>["campaigns"];
export type Detail = CampaignsOut["detail"];
export type FormOptions = CampaignsOut["formOptions"];
export type VersionOption = FormOptions["versions"][keyof FormOptions["versions"]][number];
export type GroupOfKind = Detail["groups"][number];

export const STATE_COLOR: Record<string, string> = { draft: "gold", open: "green", closed: "default", published: "blue" };

// Campaign windows are in Beijing time (UTC+8, no daylight saving) whatever the browser's
// zone: the pickers show and take the wall-clock time in Shanghai.
export const toPicker = (d: Date | string): Dayjs => dayjs(beijingWallClock(new Date(d)));
export const fromPicker = (v: Dayjs): Date => fromBeijingWallClock(v.format("YYYY-MM-DDTHH:mm:ss"));

/** Date and time in Beijing time (next-intl's time zone is Asia/Shanghai). */
export function useWhen() {
  const format = useFormatter();
  return (d: Date | string | null | undefined, style: "short" | "day" = "short") =>
    d ? format.dateTime(new Date(d), style === "day" ? { dateStyle: "medium" } : { dateStyle: "medium", timeStyle: "short" }) : "—";
}

/** A bilingual name: the English one when the page is in English and there is one. */
// The one rule for a name in the page's language (server/shared/i18n/names.ts).
export { useLocalName };

/** A unit's name in the page's language (reports carry the Chinese name only). */
export function useUnitName() {
  const trpc = useTRPC();
  const locale = useLocale();
  const units = useQuery({ ...trpc.org.units.queryOptions(), enabled: locale === "en" });
  const en = new Map((units.data ?? []).map((u) => [u.id, u.nameEn]));
  return (id: number | null, zh: string | null) => (id !== null ? en.get(id) : null) || zh || "";
}

/** Below the md breakpoint (phones): tables fold their columns into one. */
export function useMobile() {
  return Grid.useBreakpoint().md === false;
}

/** Errors of mutations as antd messages (the server words them in the user's language). */
export function useErrorToast() {
  const { message } = App.useApp();
  return (e: { message: string }) => {
    void message.error(e.message);
  };
}

export function StateTag({ state }: { state: string }) {
  const t = useTranslations("campaigns");
  return (
    <Tag color={STATE_COLOR[state]} data-testid="campaign-state">
      {t(`states.${state as GroupKey<"campaigns.states">}`)}
    </Tag>
  );
}

/** A rate as a bar with its percentage ("—" when nobody is eligible), and "responded / eligible" under it. */
export function RateBar({
  rate,
  width = 140,
  responded,
  eligible,
}: {
  rate: number | null;
  width?: number;
  responded?: number;
  eligible?: number;
}) {
  const format = useFormatter();
  if (rate === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const pct = Math.round(rate * 1000) / 10;
  return (
    <div style={{ width }}>
      <Progress percent={pct} size="small" style={{ margin: 0 }} format={(p) => `${p}%`} status={pct >= 100 ? "success" : "normal"} />
      {eligible !== undefined && responded !== undefined && (
        <Typography.Text
          type="secondary"
          style={{ fontSize: 12 }}
        >{`${format.number(responded)} / ${format.number(eligible)}`}</Typography.Text>
      )}
    </div>
  );
}

const versionLabel = (v: VersionOption, name: (zh: string, en?: string | null) => string) => `${name(v.name, v.nameEn)} v${v.version}`;

/**
 * One select per rater group of the campaign's kind: the approved versions of the
 * instrument kind the group answers, latest approved first. Form items under `instruments`.
 */
export function InstrumentFields({ groups, versions }: { groups: GroupOfKind[]; versions: FormOptions["versions"] }) {
  const t = useTranslations("campaigns");
  const name = useLocalName();
  return (
    <>
      {groups.map((g) => {
        const list = versions[g.instrumentKind] ?? [];
        return (
          <Form.Item
            key={g.group}
            name={["instruments", g.group]}
            label={t(`raterGroups.${g.group}`)}
            extra={list.length === 0 ? t("admin.form.noApproved") : undefined}
          >
            <Select
              allowClear
              placeholder={t("admin.form.noInstrument")}
              data-testid={`instrument-${g.group}`}
              options={list.map((v) => ({ value: v.id, label: versionLabel(v, name) }))}
            />
          </Form.Item>
        );
      })}
    </>
  );
}

/** The latest approved version for each group (the form's default). */
export function defaultInstruments(groups: GroupOfKind[], versions: FormOptions["versions"]): Record<string, number | undefined> {
  return Object.fromEntries(groups.map((g) => [g.group, versions[g.instrumentKind]?.[0]?.id]));
}

/** The chosen versions as the API takes them (groups left empty are left out). */
export function chosenInstruments(value: Record<string, number | undefined> | undefined) {
  return Object.entries(value ?? {})
    .filter(([, id]) => id !== undefined && id !== null)
    .map(([raterGroup, instrumentVersionId]) => ({ raterGroup: raterGroup as never, instrumentVersionId: instrumentVersionId as number }));
}

/** A labelled number (Statistic without its bulk on a phone). */
export function Figure({ label, value, testid }: { label: string; value: number | string; testid?: string }) {
  const format = useFormatter();
  return (
    <Space orientation="vertical" size={0} style={{ minWidth: 80 }} data-testid={testid}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {label}
      </Typography.Text>
      <Typography.Text strong style={{ fontSize: 20 }}>
        {typeof value === "number" ? format.number(value) : value}
      </Typography.Text>
    </Space>
  );
}
