"use client";
import { Card, Descriptions, List, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Person = inferRouterOutputs<AppRouter>["people"]["get"];

export function PersonView({ person: p }: { person: Person }) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "—" : v);
  const sections = (rows: Person["teaching"]) => (
    <List size="small" dataSource={rows} locale={{ emptyText: t("none") }}
      renderItem={(s) => <List.Item><Space wrap><Tag>{s.termCode}</Tag>{s.courseName}<Typography.Text type="secondary">{s.code}</Typography.Text></Space></List.Item>} />
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={<Typography.Title level={4} style={{ margin: 0 }} data-testid="person-name">{p.name}</Typography.Title>}>
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
          <Descriptions.Item label={t("status")}>{p.active ? <Tag color="green">{t("active")}</Tag> : <Tag>{t("inactive")}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t("roles")}>
            <Space wrap>{p.roles.map((r) => <Tag key={`${r.role}-${r.unitId}`} color="blue">{tc(`roles.${r.role}`)}{r.unitName ? ` · ${r.unitName}` : ""}</Tag>)}</Space>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {p.teaching.length > 0 && <Card title={t("teaching")}>{sections(p.teaching)}</Card>}
      {p.kind === "student" && <Card title={t("enrolments")}>{sections(p.enrolled)}</Card>}
    </Space>
  );
}
