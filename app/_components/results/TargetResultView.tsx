"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Space, Spin } from "antd";
import { useTranslations } from "next-intl";
import { useTRPC } from "../trpc";
import { TargetDetail } from "./parts";
import { BackLink } from "../BackLink";

/** One target's results page, for the results office (scoring.target) or its own teacher (scoring.myTarget). */
export function TargetResultView({
  policyId,
  targetId,
  group,
  mine,
}: {
  policyId: number;
  targetId: number;
  group: string;
  mine: boolean;
}) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const input = { policyId, targetId, raterGroup: group };
  const q = useQuery(mine ? trpc.scoring.myTarget.queryOptions(input) : trpc.scoring.target.queryOptions(input));
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <BackLink href={mine ? "/home" : "/admin/results"}>{t("detail.back")}</BackLink>
      {q.isLoading && (
        <Card>
          <Spin />
        </Card>
      )}
      {q.error && <Alert type="error" showIcon title={q.error.message} />}
      {q.data && <TargetDetail data={q.data} />}
    </Space>
  );
}
