"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PaperClipOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Empty, Input, Select, Space, Spin, Table, Tag, Typography, Upload } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { AppealsList, BandTag, BorderlineTag, Breakdown, HowReached, useWhatLabel } from "../../../_components/appraisal/parts";
import { useTRPC } from "../../../_components/trpc";
import { IndicatorsView } from "./IndicatorsView";
import type { GroupKey } from "@/server/i18n/messages";

/** The attachment limit of server/appraisal/appeals.ts (ATTACHMENT_MAX_BYTES), checked here before the upload. */
const ATTACHMENT_MAX_MB = 2;

export function MyAppraisalView() {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const tc = useTranslations("common");
  const ta = useTranslations("appraisal");
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const format = useFormatter();
  const whatLabel = useWhatLabel();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const years = useQuery(trpc.appraisal.years.queryOptions());
  const yearList = years.data ?? [];
  const year = yearList.find((y) => y.schoolYear === sp.get("year")) ?? yearList[0];
  const page = useQuery({ ...trpc.appraisal.mine.queryOptions({ schoolYear: year?.schoolYear ?? "0000-0001" }), enabled: !!year });
  const views = useQuery(trpc.appraisal.views.queryOptions({}));
  const [subject, setSubject] = useState<"band" | "figure">("band");
  const [reason, setReason] = useState("");
  const [attachment, setAttachment] = useState<File | null>(null);
  // multipart, through the upload route: the attachment's size and type are checked there (and here first)
  const file = useMutation({
    mutationFn: async (v: { schoolYear: string; subject: "band" | "figure"; reason: string }) => {
      const form = new FormData();
      form.set("schoolYear", v.schoolYear);
      form.set("subject", v.subject);
      form.set("reason", v.reason);
      if (attachment) form.set("attachment", attachment);
      const res = await fetch("/api/appraisal/appeals", { method: "POST", body: form });
      if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? res.statusText);
    },
    onSuccess: () => {
      void message.success(t("actions.done"));
      setReason("");
      setAttachment(null);
      void qc.invalidateQueries({ queryKey: trpc.appraisal.pathKey() });
    },
    onError: (e) => {
      void message.error(e.message);
    },
  });
  const chooseAttachment = (f: File) => {
    if (f.size > ATTACHMENT_MAX_MB * 1024 * 1024) void message.error(ta("errors.attachmentTooLarge", { max: ATTACHMENT_MAX_MB }));
    else if (!/\.(pdf|jpe?g|png|docx)$/i.test(f.name)) void message.error(ta("errors.attachmentType", { name: f.name }));
    else setAttachment(f);
    return false;
  };
  if (years.isLoading || page.isLoading)
    return (
      <Card>
        <Spin />
      </Card>
    );
  if (!year)
    return (
      <Card title={t("mineTitle")}>
        <Typography.Text type="secondary">{t("noYears")}</Typography.Text>
      </Card>
    );
  const p = page.data;
  const rejectedReview =
    p?.appeals.some((a) => a.stage === "review" && a.status === "rejected") && !p?.appeals.some((a) => a.stage === "appeal");
  const open = p?.appeals.some((a) => a.status === "submitted" || a.status === "assigned");
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("mineTitle")}
          </Typography.Title>
        }
        extra={
          <Select
            value={year.schoolYear}
            style={{ width: 130 }}
            aria-label={t("year")}
            onChange={(v) => router.replace(`${pathname}?year=${v}`)}
            options={yearList.map((y) => ({ value: y.schoolYear, label: y.schoolYear }))}
          />
        }
      >
        {page.error && <Alert type="error" title={page.error.message} />}
        {p && !p.published && <Alert type="info" showIcon title={t("notPublished")} data-testid="not-published" />}
        {p?.published && p.row && (
          <Space orientation="vertical" style={{ width: "100%" }} data-testid="my-band">
            <Space wrap>
              <Typography.Text>
                {t("versionLine", { version: p.published.version, status: t(`status.${p.published.status}`) })}
              </Typography.Text>
              {p.published.noticeFrom && (
                <Typography.Text type="secondary">
                  {t("noticeLine", { from: p.published.noticeFrom, until: p.published.noticeUntil ?? "" })}
                </Typography.Text>
              )}
            </Space>
            <Space wrap>
              <BandTag band={p.row.band} />
              {p.row.borderline && <BorderlineTag />}
              {p.row.annualFail && <Tag color="red">{t("annualFlag")}</Tag>}
            </Space>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t("howReached")}
            </Typography.Title>
            <HowReached row={p.row} rules={year.rules} />
            {p.vetoes
              .filter((v) => !v.revokedAt)
              .map((v) => (
                <Alert
                  key={v.id}
                  type="error"
                  title={t("vetoLine", {
                    code: t(`vetoCodes.${v.code as GroupKey<"appraisal.page.vetoCodes">}`),
                    documentNo: v.documentNo ?? "—",
                    decidedOn: v.decidedOn,
                    months: v.months,
                    reason: v.reason,
                  })}
                />
              ))}
          </Space>
        )}
      </Card>
      {p?.published && <Breakdown page={p} rules={year.rules} />}
      <IndicatorsView cutoffs={year.rules?.cutoffs ?? { excellent: 90, good: 75, pass: 60 }} />
      {p?.published && (
        <Card size="small" title={t("appealsTitle")}>
          <AppealsList appeals={p.appeals} />
          {!open && (p.appeals.length === 0 || rejectedReview) && (
            <Space orientation="vertical" style={{ width: "100%", marginTop: 12 }}>
              <Select
                value={subject}
                style={{ width: 140 }}
                onChange={setSubject}
                options={[
                  { value: "band", label: t("appealSubject.band") },
                  { value: "figure", label: t("appealSubject.figure") },
                ]}
              />
              <Input.TextArea
                rows={3}
                placeholder={t("appealReason")}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                data-testid="appeal-reason"
                maxLength={4000}
              />
              <Upload
                accept=".pdf,.jpg,.jpeg,.png,.docx"
                maxCount={1}
                beforeUpload={chooseAttachment}
                data-testid="appeal-attachment"
                fileList={attachment ? [{ uid: "1", name: attachment.name, status: "done" }] : []}
                onRemove={() => {
                  setAttachment(null);
                }}
              >
                <Button icon={<PaperClipOutlined />}>{ta("attachment.choose")}</Button>
              </Upload>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {ta("attachment.help", { max: ATTACHMENT_MAX_MB })}
              </Typography.Text>
              <Button
                type="primary"
                disabled={!reason.trim()}
                loading={file.isPending}
                data-testid="appeal-file"
                onClick={() => file.mutate({ schoolYear: year.schoolYear, subject, reason })}
              >
                {rejectedReview ? t("actions.fileAppeal") : t("actions.file")}
              </Button>
            </Space>
          )}
        </Card>
      )}
      <Card size="small" title={t("whoLooked")} data-testid="who-looked">
        {(views.data ?? []).length === 0 ? (
          <Empty description={t("noViews")} />
        ) : (
          <Table
            size="small"
            rowKey={(v, i) => `${String(v.at)}-${i}`}
            pagination={{ pageSize: 10 }}
            dataSource={views.data}
            scroll={{ x: true }}
            columns={[
              {
                title: t("when"),
                dataIndex: "at",
                render: (d: Date) => format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short" }),
              },
              { title: t("viewer"), dataIndex: "viewer", render: (n: string | null, v) => `${n ?? "—"}（${v.viewerNumber ?? ""}）` },
              { title: t("role"), dataIndex: "role", render: (r: string) => tc(`roles.${r as GroupKey<"common.roles">}`) },
              { title: t("what"), dataIndex: "what", render: (w: string) => whatLabel(w) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
