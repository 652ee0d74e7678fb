"use client";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Form, Input, List, Modal, Space, Tag, Typography } from "antd";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { useTranslations } from "next-intl";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useLocalName } from "../../../../_components/localName";

type Person = inferRouterOutputs<AppRouter>["people"]["get"];

function SetPassword({ personId }: { personId: number }) {
  const t = useTranslations("admin");
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ password: string }>();
  const mutation = useMutation(
    trpc.people.setPassword.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        form.resetFields();
        void message.success(t("passwordSet"));
      },
    }),
  );
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="set-password">
        {t("setPassword")}
      </Button>
      <Modal
        open={open}
        title={t("setPassword")}
        okText={t("save")}
        cancelText={t("cancel")}
        confirmLoading={mutation.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => mutation.mutate({ id: personId, password: v.password })}>
          <Form.Item
            name="password"
            label={t("newPassword")}
            extra={t("passwordRule")}
            validateStatus={mutation.error ? "error" : undefined}
            help={mutation.error?.message}
            rules={[{ required: true, min: 8, max: 128, pattern: /^(?=.*[A-Za-z])(?=.*\d)/, message: t("passwordRule") }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function PersonView({ person: p, canSetPassword, canManage }: { person: Person; canSetPassword: boolean; canManage: boolean }) {
  const t = useTranslations("admin");
  const cn = useLocalName();
  const tc = useTranslations("common");
  const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "—" : v);
  const sections = (rows: Person["teaching"]) => (
    <List
      size="small"
      dataSource={rows}
      locale={{ emptyText: t("none") }}
      renderItem={(s) => (
        <List.Item>
          <Space wrap>
            <Tag>{s.termCode}</Tag>
            {cn(s.courseName, s.courseNameEn)}
            <Typography.Text type="secondary">{s.code}</Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="person-name">
            {p.name}
          </Typography.Title>
        }
        extra={
          canSetPassword || canManage ? (
            <Space wrap>
              {canManage && (
                <Link href={`/admin/people/${p.id}/access`} data-testid="person-access">
                  <Button>{t("access.link")}</Button>
                </Link>
              )}
              {canSetPassword && <SetPassword personId={p.id} />}
            </Space>
          ) : null
        }
      >
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
          <Descriptions.Item label={t("number")}>{p.number}</Descriptions.Item>
          <Descriptions.Item label={t("personKind")}>{t(`personKinds.${p.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t("unit")}>{dash(p.unitName)}</Descriptions.Item>
          {p.kind === "student" && <Descriptions.Item label={t("programme")}>{dash(p.programmeName)}</Descriptions.Item>}
          {p.kind === "student" && <Descriptions.Item label={t("className")}>{dash(p.className)}</Descriptions.Item>}
          {p.kind === "student" && <Descriptions.Item label={t("admissionYear")}>{dash(p.admissionYear)}</Descriptions.Item>}
          {p.kind === "staff" && <Descriptions.Item label={t("title")}>{dash(p.title)}</Descriptions.Item>}
          <Descriptions.Item label={t("gender")}>{p.gender ? t(`genders.${p.gender}`) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("email")}>{dash(p.email)}</Descriptions.Item>
          <Descriptions.Item label={t("phone")}>{dash(p.phone)}</Descriptions.Item>
          <Descriptions.Item label={t("status")}>
            {p.active ? <Tag color="green">{t("active")}</Tag> : <Tag>{t("inactive")}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t("roles")}>
            <Space wrap>
              {p.roles.map((r) => (
                <Tag key={`${r.role}-${r.unitId}`} color="blue">
                  {tc(`roles.${r.role}`)}
                  {r.unitName ? ` · ${r.unitName}` : ""}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {p.teaching.length > 0 && <Card title={t("teaching")}>{sections(p.teaching)}</Card>}
      {p.kind === "student" && <Card title={t("enrolments")}>{sections(p.enrolled)}</Card>}
    </Space>
  );
}
