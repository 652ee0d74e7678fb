"use client";
import { useQuery } from "@tanstack/react-query";
import { DatePicker, Input, Typography } from "antd";
import dayjs from "dayjs";
import { useFormatter, useTranslations } from "next-intl";
import { useWhatLabel } from "../../../_components/appraisal/parts";
import { ListPage, useListParams } from "../../../_components/ListPage";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function ViewLogView() {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.viewLog");
  const tc = useTranslations("common");
  const format = useFormatter();
  const whatLabel = useWhatLabel();
  const [params, setParams] = useListParams(["viewer", "from", "to"]);
  const day = (v: unknown) => (typeof v === "string" && DAY.test(v) ? v : undefined);
  const from = day(params.from),
    to = day(params.to);
  const viewer = typeof params.viewer === "string" ? params.viewer : undefined;
  const query = useQuery(
    trpc.appraisal.viewLog.queryOptions({ page: params.page, pageSize: params.pageSize, q: params.q, viewer, from, to }),
  );
  const person = (name: string | null, number: string | null) => (name ? `${name}（${number ?? ""}）` : "—");
  return (
    <ListPage
      title={t("title")}
      params={params}
      setParams={setParams}
      query={query}
      rowKey="id"
      testid="view-log-table"
      searchPlaceholder={t("teacher")}
      filters={
        <>
          <Input.Search
            allowClear
            defaultValue={viewer}
            placeholder={t("viewer")}
            style={{ width: 240, maxWidth: "100%" }}
            data-testid="view-log-viewer"
            onSearch={(v) => setParams({ viewer: v.trim() || undefined })}
          />
          {/* the test id on a wrapper: antd copies a RangePicker's data-* attributes onto both of its inputs */}
          <span data-testid="view-log-dates" style={{ display: "inline-flex", maxWidth: "100%" }}>
            <DatePicker.RangePicker
              placeholder={[t("from"), t("to")]}
              style={{ maxWidth: "100%" }}
              value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
              allowEmpty={[true, true]}
              onChange={(range) => setParams({ from: range?.[0]?.format("YYYY-MM-DD"), to: range?.[1]?.format("YYYY-MM-DD") })}
            />
          </span>
          <Typography.Text type="secondary" data-testid="view-log-intro">
            {t("intro")}
          </Typography.Text>
        </>
      }
      columns={[
        {
          title: t("cols.when"),
          dataIndex: "at",
          render: (d: Date) => format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short" }),
        },
        { title: t("cols.teacher"), dataIndex: "subjectName", render: (_: unknown, r) => person(r.subjectName, r.subjectNumber) },
        { title: t("cols.viewer"), dataIndex: "viewerName", render: (_: unknown, r) => person(r.viewerName, r.viewerNumber) },
        {
          title: t("cols.role"),
          dataIndex: "role",
          responsive: ["sm"],
          render: (r: string) => tc(`roles.${r as GroupKey<"common.roles">}`),
        },
        { title: t("cols.what"), dataIndex: "what", render: (w: string) => whatLabel(w) },
      ]}
    />
  );
}
