"use client";
import { ArrowLeftOutlined, SaveOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Input, InputNumber, Space, Tabs, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "../../../../../_components/trpc";
import { ProblemList, problemsOf, type Problem } from "../../_components/parts";

type Bi = { zh: string; en: string };
type Indicator = { id: string; name: Bi; weight: number; children?: Indicator[] };
type Item = { question: string; row?: string; indicator: string; weight: number };
type FileShape = { indicators?: Indicator[]; items?: Item[]; survey?: unknown; name?: Bi };

const CHECK_DELAY_MS = 600;
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Question titles by name, from anywhere in a SurveyJS definition. */
function questionTitles(survey: unknown, locale: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (typeof v !== "object" || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.name === "string" && typeof o.type === "string") {
      const title = o.title;
      const text =
        typeof title === "string"
          ? title
          : typeof title === "object" && title !== null
            ? String((title as Record<string, unknown>)[locale === "en" ? "en" : "default"] ?? "")
            : "";
      if (text) out.set(o.name, text);
    }
    for (const k of ["pages", "elements", "questions", "templateElements"]) if (k in o) visit(o[k]);
  };
  visit(survey);
  return out;
}

function SumTag({ sum }: { sum: number }) {
  const t = useTranslations("instruments.editor");
  const ok = Math.abs(sum - 1) < 1e-6;
  return (
    <Typography.Text type={ok ? "success" : "danger"} data-testid="weight-sum">
      {t("sum", { sum: round(sum) })}
    </Typography.Text>
  );
}

/** Indicator and item weights of the file, as number inputs; changes go back into the JSON. */
function WeightsForm({ file, onChange }: { file: FileShape; onChange: (f: FileShape) => void }) {
  const t = useTranslations("instruments.editor");
  const locale = useLocale();
  const name = (b: Bi | undefined) => (b ? (locale === "en" ? b.en : b.zh) : "");
  const titles = useMemo(() => questionTitles(file.survey, locale), [file.survey, locale]);
  const indicators = Array.isArray(file.indicators) ? file.indicators : [];
  const items = Array.isArray(file.items) ? file.items : [];

  const setIndicatorWeight = (path: number[], w: number) => {
    const next = structuredClone(file);
    let list = next.indicators as Indicator[];
    let node: Indicator | undefined;
    for (const i of path) {
      node = list[i];
      if (!node) break;
      list = node.children ?? [];
    }
    if (node) node.weight = w;
    onChange(next);
  };
  const setItemWeight = (index: number, w: number) => {
    const next = structuredClone(file);
    const item = (next.items as Item[])[index];
    if (item) item.weight = w;
    onChange(next);
  };

  const leaves: Indicator[] = [];
  const tree = (list: Indicator[], path: number[], depth: number): React.ReactNode => (
    <div style={{ paddingInlineStart: depth ? 16 : 0, borderInlineStart: depth ? "2px solid #e5e7eb" : undefined }}>
      {list.map((ind, i) => {
        if (!ind.children?.length) leaves.push(ind);
        return (
          <div key={ind.id} style={{ marginBottom: 6 }}>
            <Space wrap size={[8, 4]}>
              <span data-testid={`weight-${ind.id}`}>
                <InputNumber
                  size="small"
                  min={0}
                  max={1}
                  step={0.05}
                  value={ind.weight}
                  style={{ width: 96 }}
                  aria-label={ind.id}
                  onChange={(v) => setIndicatorWeight([...path, i], typeof v === "number" ? v : 0)}
                />
              </span>
              <Typography.Text code>{ind.id}</Typography.Text>
              <span>{name(ind.name)}</span>
              {ind.children?.length ? <SumTag sum={ind.children.reduce((s, c) => s + (Number(c.weight) || 0), 0)} /> : null}
            </Space>
            {ind.children?.length ? <div style={{ marginTop: 6 }}>{tree(ind.children, [...path, i], depth + 1)}</div> : null}
          </div>
        );
      })}
    </div>
  );
  const treeNode = tree(indicators, [], 0);

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Typography.Text type="secondary">{t("weightsIntro")}</Typography.Text>
      <Card size="small" title={t("level1")} extra={<SumTag sum={indicators.reduce((s, c) => s + (Number(c.weight) || 0), 0)} />}>
        {treeNode}
      </Card>
      <Card size="small" title={t("items")}>
        {leaves.map((leaf) => {
          const own = items.map((it, index) => ({ it, index })).filter(({ it }) => it.indicator === leaf.id);
          return (
            <div key={leaf.id} style={{ marginBottom: 12 }}>
              <Space wrap size={[8, 4]} style={{ marginBottom: 4 }}>
                <Typography.Text code>{leaf.id}</Typography.Text>
                <Typography.Text strong>{name(leaf.name)}</Typography.Text>
                <SumTag sum={own.reduce((s, { it }) => s + (Number(it.weight) || 0), 0)} />
              </Space>
              {own.map(({ it, index }) => (
                <div key={index} style={{ paddingInlineStart: 16, marginBottom: 4 }}>
                  <Space wrap size={[8, 4]}>
                    <span data-testid={`item-weight-${it.question}${it.row ? `-${it.row}` : ""}`}>
                      <InputNumber
                        size="small"
                        min={0}
                        max={1}
                        step={0.05}
                        value={it.weight}
                        style={{ width: 96 }}
                        aria-label={it.question}
                        onChange={(v) => setItemWeight(index, typeof v === "number" ? v : 0)}
                      />
                    </span>
                    <Typography.Text code>{it.row ? `${it.question} › ${it.row}` : it.question}</Typography.Text>
                    <Typography.Text type="secondary">{titles.get(it.question) ?? ""}</Typography.Text>
                  </Space>
                </div>
              ))}
            </div>
          );
        })}
      </Card>
    </Space>
  );
}

type CheckState = { state: "idle" | "checking" } | { state: "done"; problems: Problem[]; sameAs: { id: number; version: number } | null };

export function EditorView({ instrumentId, versionId }: { instrumentId: number; versionId: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("instruments");
  const locale = useLocale();
  const router = useRouter();
  const { message } = App.useApp();
  const version = useQuery(trpc.instruments.version.queryOptions({ id: versionId }));
  const original = useMemo(() => (version.data ? JSON.stringify(version.data.file, null, 2) : null), [version.data]);
  const [text, setText] = useState<string | null>(null);
  const [tab, setTab] = useState("json");
  const value = text ?? original ?? "";

  const parsed = useMemo((): { ok: true; file: FileShape } | { ok: false; error: string } => {
    try {
      return { ok: true, file: JSON.parse(value) as FileShape };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }, [value]);

  // Live check, debounced; answers to older texts are dropped.
  const [check, setCheck] = useState<CheckState>({ state: "idle" });
  const seq = useRef(0);
  const checkMutation = useMutation(trpc.instruments.check.mutationOptions());
  const { mutateAsync: runCheck } = checkMutation;
  useEffect(() => {
    if (!parsed.ok || !value) return;
    const n = ++seq.current;
    const timer = setTimeout(() => {
      setCheck({ state: "checking" });
      runCheck({ file: parsed.file }).then(
        (r) => {
          if (n === seq.current) setCheck({ state: "done", problems: r.problems, sameAs: r.sameAs });
        },
        (e) => {
          if (n === seq.current) setCheck({ state: "done", problems: problemsOf(e), sameAs: null });
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [parsed, value, runCheck]);

  const save = useMutation(
    trpc.instruments.upload.mutationOptions({
      onSuccess: (r) => {
        void qc.invalidateQueries({ queryKey: trpc.instruments.pathKey() });
        if (r.status === "unchanged") {
          void message.info(t("upload.unchanged", { version: r.version }));
          return;
        }
        void message.success(t("upload.created", { key: r.key, version: r.version }));
        router.push(`/admin/instruments/${r.instrumentId}?v=${r.versionId}`);
      },
    }),
  );
  const saveProblems = save.error ? problemsOf(save.error) : [];

  const d = version.data;
  const name = d ? (locale === "en" ? (d.instrument.nameEn ?? d.instrument.name) : d.instrument.name) : "";
  const problems = !parsed.ok
    ? [{ path: "", message: t("errors.notJson", { detail: parsed.error }) }]
    : check.state === "done"
      ? check.problems
      : [];
  const canSave = parsed.ok && check.state === "done" && check.problems.length === 0 && !check.sameAs;

  return (
    <Card
      loading={!d}
      title={
        <Typography.Title level={4} style={{ margin: 0, whiteSpace: "normal" }}>
          {t("editor.title", { name })}
        </Typography.Title>
      }
      extra={
        <Button icon={<ArrowLeftOutlined />} href={`/admin/instruments/${instrumentId}`}>
          {t("editor.back")}
        </Button>
      }
    >
      {d && (
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Typography.Text type="secondary">
            {t("editor.intro")} {t("editor.basedOn", { version: d.version })}
          </Typography.Text>
          <div
            data-testid="editor-status"
            data-state={!parsed.ok ? "invalid" : check.state === "done" ? (problems.length ? "problems" : "ok") : "checking"}
          >
            {check.state !== "done" && parsed.ok && <Alert type="info" title={t("editor.checking")} />}
            {check.state === "done" && parsed.ok && problems.length === 0 && !check.sameAs && (
              <Alert type="success" showIcon title={t("editor.ok")} />
            )}
            {check.state === "done" && check.sameAs && (
              <Alert type="info" showIcon title={t("editor.sameAs", { version: check.sameAs.version })} />
            )}
            {problems.length > 0 && (
              <ProblemList testid="editor-problems" problems={problems} title={t("editor.problems", { count: problems.length })} />
            )}
          </div>
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: "json",
                label: t("editor.json"),
                children: (
                  <Input.TextArea
                    value={value}
                    onChange={(e) => setText(e.target.value)}
                    spellCheck={false}
                    data-testid="editor-json"
                    autoSize={{ minRows: 16, maxRows: 40 }}
                    style={{
                      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
                      fontSize: 13,
                      whiteSpace: "pre",
                      overflowX: "auto",
                    }}
                  />
                ),
              },
              {
                key: "weights",
                label: t("editor.weights"),
                children: parsed.ok ? (
                  <WeightsForm file={parsed.file} onChange={(f) => setText(JSON.stringify(f, null, 2))} />
                ) : (
                  <Alert type="warning" title={t("editor.invalidJson")} />
                ),
              },
            ]}
          />
          {saveProblems.length > 0 && <ProblemList testid="save-problems" problems={saveProblems} title={save.error?.message} />}
          <Space wrap>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={!canSave}
              loading={save.isPending}
              data-testid="editor-save"
              onClick={() => {
                if (parsed.ok) save.mutate({ file: parsed.file });
              }}
            >
              {t("editor.save")}
            </Button>
            <Button disabled={text === null || text === original} onClick={() => setText(null)}>
              {t("editor.reset", { version: d.version })}
            </Button>
          </Space>
        </Space>
      )}
    </Card>
  );
}
