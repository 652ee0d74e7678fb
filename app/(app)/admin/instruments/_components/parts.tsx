"use client";
import { UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Alert, Button, List, Space, Tag, Typography, Upload } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

type Out = inferRouterOutputs<AppRouter>["instruments"];
export type DiffResult = Out["diff"];
export type Change = NonNullable<DiffResult["diff"]>["changes"][number];
export type UploadResult = Out["upload"];
export type Problem = { path: string; message: string };
type BiText = { zh: string; en: string };

export const STATUS_COLOR: Record<string, string> = { draft: "gold", approved: "green", retired: "default" };

/** The problems a client error carries in data.details (instruments.upload), or its message. */
export function problemsOf(error: unknown): Problem[] {
  const e = error as { data?: { details?: unknown }; message?: string } | null;
  const d = e?.data?.details;
  if (Array.isArray(d) && d.every((p) => p && typeof (p as Problem).message === "string")) return d as Problem[];
  return e?.message ? [{ path: "", message: e.message }] : [];
}

/** Problems with their JSON path, one per line. */
export function ProblemList({ problems, title, testid = "problems" }: { problems: Problem[]; title?: ReactNode; testid?: string }) {
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testid}
      title={title}
      description={
        <List
          size="small"
          dataSource={problems}
          style={{ maxHeight: 360, overflow: "auto" }}
          renderItem={(p) => (
            <List.Item style={{ paddingInline: 0, display: "block" }}>
              {p.path && (
                <Typography.Text code style={{ wordBreak: "break-all" }}>
                  {p.path}
                </Typography.Text>
              )}{" "}
              <span>{p.message}</span>
            </List.Item>
          )}
        />
      }
    />
  );
}

/** Reads a .json file, uploads it as a new version and reports the result or the problems. */
export function UploadInstrument({ label, onDone }: { label: string; onDone?: (r: UploadResult) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("instruments");
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);
  const upload = useMutation(
    trpc.instruments.upload.mutationOptions({
      onSuccess: (r) => {
        setResult(r);
        void qc.invalidateQueries({ queryKey: trpc.instruments.pathKey() });
        onDone?.(r);
      },
      onError: (e) => setProblems(problemsOf(e)),
    }),
  );

  async function read(file: File) {
    setProblems(null);
    setResult(null);
    let json: unknown;
    try {
      json = JSON.parse((await file.text()).replace(/^\uFEFF/, ""));
    } catch (e) {
      setProblems([{ path: file.name, message: t("errors.notJson", { detail: (e as Error).message }) }]);
      return;
    }
    upload.mutate({ file: json });
  }

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Upload
        accept=".json,application/json"
        showUploadList={false}
        multiple={false}
        disabled={upload.isPending}
        beforeUpload={(f) => {
          void read(f);
          return false;
        }}
        data-testid="instrument-upload"
      >
        <Button icon={<UploadOutlined />} loading={upload.isPending}>
          {upload.isPending ? t("upload.uploading") : label}
        </Button>
      </Upload>
      {result && (
        <Alert
          type={result.status === "created" ? "success" : "info"}
          showIcon
          data-testid="upload-result"
          data-status={result.status}
          title={
            result.status === "created"
              ? t("upload.created", { key: result.key, version: result.version })
              : t("upload.unchanged", { version: result.version })
          }
        />
      )}
      {problems && problems.length > 0 && (
        <ProblemList testid="upload-problems" problems={problems} title={t("upload.problems", { count: problems.length })} />
      )}
    </Space>
  );
}

export function useBiText() {
  const locale = useLocale();
  return (v: BiText | null | undefined) => (v ? (locale === "en" ? v.en : v.zh) : "");
}

const isBi = (v: unknown): v is BiText => typeof v === "object" && v !== null && "zh" in v && "en" in v;

function Value({ v, other }: { v: Change["before"]; other?: Change["before"] }) {
  const t = useTranslations("instruments.diff");
  const locale = useLocale();
  if (v === null || v === undefined || v === "") return <Typography.Text type="secondary">{t("empty")}</Typography.Text>;
  if (typeof v === "boolean") return <>{v ? t("yes") : t("no")}</>;
  if (isBi(v)) {
    // Show the language that changed: the reader's, or the other one when only it did.
    const lang =
      isBi(other) && other[locale] === v[locale] && other.en !== v.en
        ? "en"
        : isBi(other) && other[locale] === v[locale] && other.zh !== v.zh
          ? "zh"
          : locale;
    return (
      <>
        {lang !== locale && <Tag>{lang === "en" ? "EN" : "中"}</Tag>}
        {v[lang]}
      </>
    );
  }
  return <span style={{ wordBreak: "break-word" }}>{String(v)}</span>;
}

const OP_COLOR = { added: "green", removed: "red", changed: "blue" } as const;
const OP_BG = { added: "#f6ffed", removed: "#fff1f0", changed: "transparent" } as const;

/** A readable list of changes: added in green, removed in red, changed with before → after. */
export function DiffList({ result }: { result: DiffResult }) {
  const t = useTranslations("instruments");
  const text = useBiText();
  if (!result.diff || !result.base) {
    return (
      <Typography.Text type="secondary" data-testid="diff-first">
        {t("diff.first", { version: result.target.version })}
      </Typography.Text>
    );
  }
  const { changes, counts } = result.diff;
  if (changes.length === 0)
    return (
      <Typography.Text type="secondary" data-testid="diff-none">
        {t("diff.none")}
      </Typography.Text>
    );
  const field = (f: string) =>
    t.has(`diff.fields.${f as GroupKey<"instruments.diff.fields">}`) ? t(`diff.fields.${f as GroupKey<"instruments.diff.fields">}`) : f;
  return (
    <div data-testid="diff">
      <Typography.Paragraph type="secondary">{t("diff.summary", counts)}</Typography.Paragraph>
      <List
        size="small"
        dataSource={changes}
        rowKey={(c) => `${c.op}|${c.entity}|${c.key}|${c.sub ?? ""}|${c.field ?? ""}`}
        renderItem={(c) => (
          <List.Item data-testid="diff-change" data-op={c.op} style={{ background: OP_BG[c.op], display: "block", paddingInline: 8 }}>
            <Space wrap size={[6, 2]}>
              <Tag color={OP_COLOR[c.op]} style={{ marginInlineEnd: 0 }}>
                {t(`diff.ops.${c.op}`)}
              </Tag>
              <Typography.Text type="secondary">{t(`diff.entities.${c.entity}`)}</Typography.Text>
              <Typography.Text code>{c.sub !== undefined ? `${c.key} › ${c.sub}` : c.key}</Typography.Text>
              {c.label && <Typography.Text>{text(c.label)}</Typography.Text>}
            </Space>
            <div style={{ marginTop: 2, paddingInlineStart: 4 }}>
              {c.op === "changed" && (
                <Space wrap size={[6, 2]}>
                  <Typography.Text strong>{field(c.field ?? "")}:</Typography.Text>
                  <Typography.Text delete type="danger">
                    <Value v={c.before} other={c.after} />
                  </Typography.Text>
                  <span>→</span>
                  <Typography.Text type="success">
                    <Value v={c.after} other={c.before} />
                  </Typography.Text>
                </Space>
              )}
              {c.op === "added" && c.after !== undefined && c.after !== null && (
                <Typography.Text type="success">
                  <Value v={c.after} />
                </Typography.Text>
              )}
              {c.op === "removed" && c.before !== undefined && c.before !== null && (
                <Typography.Text type="danger" delete>
                  <Value v={c.before} />
                </Typography.Text>
              )}
            </div>
          </List.Item>
        )}
      />
    </div>
  );
}
