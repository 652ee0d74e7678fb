"use client";
import { PaperClipOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, DatePicker, Descriptions, Form, Input, Space, Tag, Timeline, Typography, Upload, type UploadFile } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import type { OrderStep } from "@/server/improvement/states";
import type { GroupKey } from "@/server/i18n/messages";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import { useLocalName } from "../../../_components/localName";
import { useTRPC } from "../../../_components/trpc";
import { STATUS_COLOR } from "../OrdersView";

// The server checks each file by its extension and bytes; the type the browser declares is not sent.
type Files = { name: string; data: string }[];
type Values = {
  response?: string;
  measures?: string;
  expectedEffect?: string;
  note?: string;
  reason?: string;
  publicSummary?: string;
  overrideReason?: string;
  nextReviewOn?: { format: (f: string) => string };
  deadline?: { format: (f: string) => string };
};

async function base64Of(f: File): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function OrderView({ id, inspectionLink = null }: { id: number; inspectionLink?: "quality" | "unit" | null }) {
  const t = useTranslations("improvement");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cn = useLocalName();
  const format = useFormatter();
  const { message } = App.useApp();
  const q = useQuery(trpc.improvement.detail.queryOptions({ id }));
  const [step, setStep] = useState<OrderStep | null>(null);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [form] = Form.useForm<Values>();
  const done = {
    onSuccess: () => {
      void message.success(t("page.done"));
      setStep(null);
      setFiles([]);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: trpc.improvement.detail.queryKey({ id }) });
      void qc.invalidateQueries({ queryKey: trpc.improvement.list.queryKey() });
    },
    onError: (e: { message: string }) => void message.error(e.message),
  };
  const answer = useMutation(trpc.improvement.answer.mutationOptions(done));
  const verify = useMutation(trpc.improvement.verify.mutationOptions(done));
  const close = useMutation(trpc.improvement.close.mutationOptions(done));
  const cont = useMutation(trpc.improvement.continue.mutationOptions(done));
  const reopen = useMutation(trpc.improvement.reopen.mutationOptions(done));
  const cancel = useMutation(trpc.improvement.cancel.mutationOptions(done));
  const pending = [answer, verify, close, cont, reopen, cancel].some((m) => m.isPending);
  const o = q.data;
  if (!o) return <Card loading />;

  const attachments = async (): Promise<Files> =>
    Promise.all(files.map(async (f) => ({ name: f.name, data: await base64Of(f.originFileObj as File) })));
  const submit = async () => {
    const v = await form.validateFields();
    if (step === "answer")
      answer.mutate({
        orderId: id,
        response: v.response ?? "",
        measures: v.measures ?? "",
        expectedEffect: v.expectedEffect ?? "",
        attachments: await attachments(),
      });
    if (step === "verify") verify.mutate({ orderId: id, note: v.note, attachments: await attachments() });
    if (step === "close") close.mutate({ orderId: id, note: v.note, publicSummary: v.publicSummary, overrideReason: v.overrideReason });
    if (step === "continue") cont.mutate({ orderId: id, reason: v.reason ?? "", nextReviewOn: v.nextReviewOn?.format("YYYY-MM-DD") ?? "" });
    if (step === "reopen") reopen.mutate({ orderId: id, reason: v.reason ?? "", deadline: v.deadline?.format("YYYY-MM-DD") });
    if (step === "cancel") cancel.mutate({ orderId: id, reason: v.reason ?? "" });
  };
  const text = (name: keyof Values, label: string, required = true) => (
    <Form.Item name={name} label={label} rules={[{ required, whitespace: required, max: 5000 }]}>
      <Input.TextArea rows={3} data-testid={`field-${name}`} />
    </Form.Item>
  );
  const upload = (
    <Form.Item label={t("page.attachments")} extra={t("page.attachHint")}>
      <Upload fileList={files} beforeUpload={() => false} maxCount={2} onChange={(i) => setFiles(i.fileList)}>
        <Button icon={<PaperClipOutlined />}>{t("page.attach")}</Button>
      </Upload>
    </Form.Item>
  );
  const when = (d: Date | string) => format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short", timeZone: BEIJING_TIME_ZONE });

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Space wrap>
            <Link href="/improvement">{t("page.back")}</Link>
            <span>
              {t("page.detail")} #{o.id}
            </span>
            <Tag color={STATUS_COLOR[o.status]} data-testid="detail-status">
              {t(`statuses.${o.status}`)}
            </Tag>
            {o.overdueDays > 0 && (
              <Tag color="red" data-testid="detail-overdue">
                {t("page.overdueDays", { days: o.overdueDays })}
              </Tag>
            )}
          </Space>
        }
      >
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={t("page.source")}>
            {t(`sources.${o.source}`)}
            {o.sourceRef?.kind === "inspection" && inspectionLink && (
              <>
                {" · "}
                <Link
                  href={
                    inspectionLink === "quality"
                      ? `/admin/inspections/${o.sourceRef.id}`
                      : `/inspections/${o.sourceRef.id}/${o.sourceRef.unitId}`
                  }
                  data-testid="order-evidence"
                >
                  {t("page.inspectionEvidence")}
                </Link>
              </>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t("page.reportedOn")}>{o.reportedOn}</Descriptions.Item>
          <Descriptions.Item label={t("page.unit")}>{cn(o.unitName, o.unitNameEn)}</Descriptions.Item>
          <Descriptions.Item label={t("page.owner")}>{o.ownerName ?? t("page.none")}</Descriptions.Item>
          <Descriptions.Item label={t("page.deadline")}>{o.deadline}</Descriptions.Item>
          {o.courseName && <Descriptions.Item label={t("page.course")}>{o.courseName}</Descriptions.Item>}
          {o.officer && (
            <Descriptions.Item label={t("page.officer")}>
              <span data-testid="officer-name">
                {o.officer.name}（{o.officer.number}）
              </span>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t("page.content")} span={2}>
            <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }} data-testid="detail-content">
              {o.content}
            </Typography.Paragraph>
          </Descriptions.Item>
          {o.response && (
            <Descriptions.Item label={t("page.response")} span={2}>
              <span style={{ whiteSpace: "pre-wrap" }}>{o.response}</span>
            </Descriptions.Item>
          )}
          {o.measures && (
            <Descriptions.Item label={t("page.measures")} span={2}>
              <span style={{ whiteSpace: "pre-wrap" }} data-testid="detail-measures">
                {o.measures}
              </span>
            </Descriptions.Item>
          )}
          {o.expectedEffect && (
            <Descriptions.Item label={t("page.expectedEffect")} span={2}>
              {o.expectedEffect}
            </Descriptions.Item>
          )}
          {o.publicSummary && (
            <Descriptions.Item label={t("page.publicSummary")} span={2}>
              {o.publicSummary}
            </Descriptions.Item>
          )}
          {o.effect && (
            <Descriptions.Item label={t("page.effect")} span={2}>
              <Space wrap data-testid="order-effect">
                <span>
                  {t("page.before")}: <b>{o.effect.before.value}</b> (n = {o.effect.before.n})
                </span>
                <span>
                  {t("page.target")}: {o.effect.before.target}
                </span>
                {o.effect.next ? (
                  <span>
                    {t("page.atNext")} ({o.effect.next.termCode}): <b>{Math.round(o.effect.next.value * 100) / 100}</b> (n ={" "}
                    {o.effect.next.n})
                  </span>
                ) : (
                  <Typography.Text type="secondary">{t("page.pending")}</Typography.Text>
                )}
                {o.effect.met !== null && <Tag color={o.effect.met ? "green" : "red"}>{t(o.effect.met ? "page.met" : "page.notMet")}</Tag>}
              </Space>
            </Descriptions.Item>
          )}
        </Descriptions>
        <Space wrap style={{ marginTop: 16 }} data-testid="steps">
          {o.steps.length === 0 && <Typography.Text type="secondary">{t("page.noSteps")}</Typography.Text>}
          {o.steps.map((s) => (
            <Button
              key={s}
              type={s === "answer" || s === "close" ? "primary" : "default"}
              danger={s === "cancel"}
              onClick={() => {
                setStep(s);
                form.resetFields();
                setFiles([]);
              }}
              data-testid={`step-${s}`}
            >
              {t(`steps.${s}`)}
            </Button>
          ))}
        </Space>
        {step && (
          <Card size="small" style={{ marginTop: 16 }} title={t(`steps.${step}`)} data-testid="step-form">
            <Form form={form} layout="vertical">
              {step === "answer" && (
                <>
                  {text("response", t("page.response"))}
                  {text("measures", t("page.measures"))}
                  {text("expectedEffect", t("page.expectedEffect"))}
                  {upload}
                </>
              )}
              {step === "verify" && (
                <>
                  {text("note", t("page.note"), false)}
                  {upload}
                </>
              )}
              {step === "close" && (
                <>
                  {text("note", t("page.note"), false)}
                  {text("publicSummary", t("page.publicSummary"), false)}
                  {o.effect && !o.effect.met && text("overrideReason", t("page.overrideReason"), false)}
                </>
              )}
              {(step === "continue" || step === "reopen" || step === "cancel") && text("reason", t("page.reason"))}
              {step === "continue" && (
                <Form.Item name="nextReviewOn" label={t("page.nextReviewOn")} rules={[{ required: true }]}>
                  <DatePicker style={{ width: "100%" }} />
                </Form.Item>
              )}
              {step === "reopen" && (
                <Form.Item name="deadline" label={t("page.newDeadline")}>
                  <DatePicker style={{ width: "100%" }} data-testid="field-deadline" />
                </Form.Item>
              )}
              <Space>
                <Button type="primary" loading={pending} onClick={() => void submit()} data-testid="step-submit">
                  {t("page.submit")}
                </Button>
                <Button onClick={() => setStep(null)}>{t("page.cancelForm")}</Button>
              </Space>
            </Form>
          </Card>
        )}
      </Card>
      <Card title={t("page.timeline")}>
        <Timeline
          data-testid="timeline"
          items={o.events.map((e) => ({
            color: e.kind === "reopen" || e.kind.startsWith("escalate") ? "red" : e.kind === "close" ? "green" : "blue",
            content: (
              <div data-testid="event">
                <Space wrap size={[8, 0]}>
                  <Typography.Text strong>{t(`steps.${e.kind as GroupKey<"improvement.steps">}`)}</Typography.Text>
                  <Typography.Text type="secondary">{when(e.at)}</Typography.Text>
                  <Typography.Text type="secondary">{e.actorName ?? t("page.system")}</Typography.Text>
                </Space>
                {e.note && <div style={{ whiteSpace: "pre-wrap" }}>{e.note}</div>}
                {e.attachments.map((a) => (
                  <div key={a.id}>
                    <a href={`/api/improvement/attachments/${a.id}`}>
                      <PaperClipOutlined /> {a.name}
                    </a>{" "}
                    <Typography.Text type="secondary">({Math.ceil(a.size / 1024)} KB)</Typography.Text>
                  </div>
                ))}
              </div>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
