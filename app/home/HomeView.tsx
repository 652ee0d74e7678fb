"use client";
import { ApartmentOutlined, BookOutlined, CloudUploadOutlined, TeamOutlined, UnorderedListOutlined } from "@ant-design/icons";
import { Alert, Card, Col, Empty, List, Row, Space, Statistic, Tag, Typography } from "antd";
import { useMessages, useTranslations } from "next-intl";
import Link from "next/link";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { PendingEvaluations } from "./PendingEvaluations";
import { TokenTransfer } from "../_components/respond/TokenTransfer";
import { MyResults } from "./MyResults";
import { SectionRates } from "./SectionRates";
import { ObservationTasks, ObservedMe, SelfEvaluations } from "./Observations";
import { useLocalName } from "../_components/localName";
import { InfoOfficerReports } from "./InfoOfficerReports";
import { OfficerFeedback, YouSaidWeDid } from "./LoopFeedback";

type Out = inferRouterOutputs<AppRouter>;
type Props = { user: Out["me"]["whoami"]; home: Out["me"]["home"] };
type SectionRow = Out["me"]["home"]["studying"][number];

export function HomeView({ user, home }: Props) {
  const t = useTranslations("home");
  const tc = useTranslations("common");
  const tn = useTranslations("nav");
  const cn = useLocalName();
  const messages = useMessages();
  const roles = [...new Set(user.roles.map((r) => r.role))];
  const has = (...rs: string[]) => roles.some((r) => rs.includes(r));
  // People's records are for the system administrator, the quality office and unit admins (PEOPLE_VIEW_ROLES).
  const people = has("sys_admin", "quality_admin", "unit_admin");

  const sectionList = (rows: SectionRow[], empty: string, testid: string) => (
    <List
      data-testid={testid}
      dataSource={rows}
      locale={{ emptyText: <Empty description={empty} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
      renderItem={(s) => (
        <List.Item extra={<Tag>{t("enrolled", { count: s.enrolled })}</Tag>}>
          <List.Item.Meta
            title={cn(s.courseName, s.courseNameEn)}
            description={
              <Space wrap size={[12, 0]}>
                <span>{s.code}</span>
                {s.teachers && <span>{s.teachers}</span>}
                {s.schedule && <span>{s.schedule}</span>}
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("greeting", { name: user.name })}
        </Typography.Title>
        <Space wrap style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">
            {t("rolesLine")}
            {tc("colon")}
          </Typography.Text>
          {roles.map((r) => (
            <Tag color="blue" key={r}>
              {tc(`roles.${r}`)}
            </Tag>
          ))}
        </Space>
        <div style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{home.term ? t("currentTerm", { term: home.term.code }) : t("noTerm")}</Typography.Text>
        </div>
      </Card>

      {home.overview && (
        <Card
          title={t("overview")}
          extra={
            <Typography.Text type="secondary">
              {home.overview.scopeUnits.length ? t("overviewScope", { units: home.overview.scopeUnits.join("、") }) : t("overviewSchool")}
            </Typography.Text>
          }
        >
          <Row gutter={[16, 16]} data-testid="overview">
            {(
              [
                ["units", home.overview.units, "/admin/units"],
                ["programmes", home.overview.programmes, "/admin/programmes"],
                ["teachers", home.overview.teachers, people ? "/admin/people?kind=staff" : null],
                ["students", home.overview.students, people ? "/admin/people?kind=student" : null],
                ["sections", home.overview.sections, "/admin/sections"],
              ] as const
            ).map(([k, v, href]) => (
              <Col xs={12} sm={8} md={4} key={k} style={{ minWidth: 120 }}>
                {href ? (
                  <Link href={href}>
                    <Statistic title={t(k)} value={v} />
                  </Link>
                ) : (
                  <Statistic title={t(k)} value={v} />
                )}
              </Col>
            ))}
          </Row>
        </Card>
      )}

      {has("sys_admin", "quality_admin", "unit_admin") && (
        <Card title={t("quickLinks")}>
          <Space wrap>
            <Link href="/admin/sections">
              <Tag icon={<UnorderedListOutlined />} style={{ padding: "4px 10px" }}>
                {tn("sections")}
              </Tag>
            </Link>
            <Link href="/admin/people">
              <Tag icon={<TeamOutlined />} style={{ padding: "4px 10px" }}>
                {tn("people")}
              </Tag>
            </Link>
            <Link href="/admin/courses">
              <Tag icon={<BookOutlined />} style={{ padding: "4px 10px" }}>
                {tn("courses")}
              </Tag>
            </Link>
            <Link href="/admin/units">
              <Tag icon={<ApartmentOutlined />} style={{ padding: "4px 10px" }}>
                {tn("units")}
              </Tag>
            </Link>
            {has("sys_admin", "quality_admin") && (
              <Link href="/admin/import">
                <Tag icon={<CloudUploadOutlined />} style={{ padding: "4px 10px" }}>
                  {tn("import")}
                </Tag>
              </Link>
            )}
          </Space>
        </Card>
      )}

      {has("hr") && <Alert type="info" showIcon title={t("hrText")} />}

      {has("student") && <PendingEvaluations />}
      {has("info_officer") && <InfoOfficerReports />}
      {has("info_officer") && <OfficerFeedback />}
      {has("student") && <YouSaidWeDid />}
      {has("student") && <TokenTransfer texts={messages.respond.transfer} />}
      {has("student") && (
        <Card title={t("studying")} extra={<Tag>{home.studying.length}</Tag>}>
          <Typography.Paragraph type="secondary">{t("studyingHint")}</Typography.Paragraph>
          {sectionList(home.studying, t("studyingEmpty"), "studying")}
        </Card>
      )}

      {has("teacher") && (
        <Card title={t("teaching")} extra={<Tag>{home.teaching.length}</Tag>}>
          {sectionList(home.teaching, t("teachingEmpty"), "teaching")}
        </Card>
      )}
      {has("teacher") && <SelfEvaluations />}
      {has("teacher") && <MyResults />}
      {has("teacher") && <SectionRates />}
      {has("teacher") && <ObservedMe />}
      {has("teacher", "supervisor", "leader") && <ObservationTasks />}
      {has("supervisor", "leader") && <Alert type="info" showIcon title={t("observer")} description={t("observerText")} />}
    </Space>
  );
}
