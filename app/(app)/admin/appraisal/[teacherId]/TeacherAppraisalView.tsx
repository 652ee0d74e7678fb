"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Input, Modal, Space, Spin, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { AppealsList, BandTag, BorderlineTag, Breakdown, HowReached } from "../../../../_components/appraisal/parts";
import { useTRPC } from "../../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

export function TeacherAppraisalView({ teacherId, canHr }: { teacherId: number; canHr: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const ta = useTranslations("appraisal");
  const sp = useSearchParams();
  const years = useQuery(trpc.appraisal.years.queryOptions());
  const year = years.data?.find((y) => y.schoolYear === sp.get("year")) ?? years.data?.[0];
  const page = useQuery({
    ...trpc.appraisal.teacher.queryOptions({ teacherId, schoolYear: year?.schoolYear ?? "0000-0001" }),
    enabled: !!year,
    staleTime: 0,
  });
  if (years.isLoading || page.isLoading)
    return (
      <Card>
        <Spin />
      </Card>
    );
  if (page.error) return <Alert type="error" title={page.error.message} data-testid="page-error" />;
  if (!page.data || !year) return null;
  const p = page.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0, whiteSpace: "normal", paddingBlock: 8 }}>
            {t("teacherTitle", { name: p.teacher.name, number: p.teacher.number, year: p.schoolYear })}
          </Typography.Title>
        }
      >
        {p.row ? (
          <Space orientation="vertical">
            <Space wrap>
              <BandTag band={p.row.band} />
              {p.row.borderline && <BorderlineTag />}
              {p.row.annualFail && <Tag color="red">{t("annualFlag")}</Tag>}
              {p.row.rank !== null && (
                <Typography.Text type="secondary">
                  {t("cols.rank")} {p.row.rank}/{p.row.rankOf}
                </Typography.Text>
              )}
            </Space>
            <HowReached row={p.row} rules={year.rules} />
          </Space>
        ) : (
          <Typography.Text type="secondary">{t("empty")}</Typography.Text>
        )}
        {p.vetoes.map((v) => (
          <Alert
            key={v.id}
            type={v.revokedAt ? "info" : "error"}
            style={{ marginTop: 8 }}
            data-testid="veto-line"
            title={`${t("vetoLine", { code: t(`vetoCodes.${v.code as GroupKey<"appraisal.page.vetoCodes">}`), documentNo: v.documentNo ?? "—", decidedOn: v.decidedOn, months: v.months, reason: v.reason })}${v.revokedAt ? ` · ${t("revoked", { reason: v.revokeReason ?? "" })}` : ""}`}
            action={canHr && !v.revokedAt ? <RevokeVeto vetoId={v.id} /> : undefined}
          />
        ))}
        {p.exemptions.map((e, i) => (
          <Alert
            key={i}
            type="info"
            style={{ marginTop: 8 }}
            data-testid="exemption-line"
            title={ta("admin.exemptionsLine", { kind: ta(`exemptions.${e.kind}`), note: e.note ? `（${e.note}）` : "" })}
          />
        ))}
      </Card>
      <Breakdown page={p} rules={year.rules} />
      <Card size="small" title={t("appealsTitle")}>
        <AppealsList appeals={p.appeals} />
      </Card>
      <Card size="small" title={t("versionsTitle")}>
        {p.versions.map((v) => (
          <div key={v.version}>
            {t("versionLine", { version: v.version, status: t(`status.${v.status}`) })} · <BandTag band={v.band} /> {v.reason ?? ""}
          </div>
        ))}
      </Card>
    </Space>
  );
}

/** HR revokes a veto with a reason (required here and by the server); the next recompute bands the teacher again. */
function RevokeVeto({ vetoId }: { vetoId: number }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const ta = useTranslations("appraisal.admin");
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const revoke = useMutation(
    trpc.appraisal.vetoes.revoke.mutationOptions({
      onSuccess: () => {
        void message.success(t("actions.done"));
        setOpen(false);
        setReason("");
        void qc.invalidateQueries({ queryKey: trpc.appraisal.pathKey() });
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  return (
    <>
      <Button size="small" danger data-testid="veto-revoke" onClick={() => setOpen(true)}>
        {t("actions.revoke")}
      </Button>
      <Modal
        open={open}
        title={ta("revokeTitle")}
        onCancel={() => setOpen(false)}
        okText={t("actions.save")}
        cancelText={t("actions.cancel")}
        destroyOnHidden
        okButtonProps={{ loading: revoke.isPending, disabled: !reason.trim(), id: "veto-revoke-save" }}
        onOk={() => revoke.mutate({ id: vetoId, reason })}
      >
        <Typography.Paragraph>{ta("revokeReason")}</Typography.Paragraph>
        <Input.TextArea
          rows={3}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="veto-revoke-reason"
          aria-label={ta("revokeReason")}
        />
      </Modal>
    </>
  );
}
