"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Input, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { BackLink } from "../../../../_components/BackLink";

export function WordsView({ canEdit }: { canEdit: boolean }) {
  const t = useTranslations("comments");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [word, setWord] = useState("");
  const words = useQuery(trpc.comments.words.list.queryOptions());
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.comments.pathKey() });
  };
  const add = useMutation(
    trpc.comments.words.add.mutationOptions({
      onSuccess: (r) => {
        setWord("");
        void message.success(t("words.added", { n: r.remarked }));
        refresh();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  const remove = useMutation(
    trpc.comments.words.remove.mutationOptions({
      onSuccess: refresh,
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%", maxWidth: 800 }}>
      <BackLink href={"/admin/comments"}>{t("list.back")}</BackLink>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("words.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("words.intro")}
      </Typography.Paragraph>
      {!canEdit && <Alert type="info" showIcon title={t("words.readOnly")} />}
      {words.error && <Alert type="error" showIcon title={words.error.message} />}
      <Card size="small">
        {canEdit && (
          <Space.Compact style={{ width: "100%", maxWidth: 400, marginBottom: 12 }}>
            <Input
              data-testid="word-input"
              placeholder={t("words.word")}
              maxLength={40}
              value={word}
              onChange={(e) => setWord(e.target.value)}
              onPressEnter={() => word.trim() && add.mutate({ word })}
            />
            <Button
              type="primary"
              data-testid="word-add"
              loading={add.isPending}
              disabled={!word.trim()}
              onClick={() => add.mutate({ word })}
            >
              {t("words.add")}
            </Button>
          </Space.Compact>
        )}
        <div data-testid="word-list">
          {(words.data ?? []).length === 0 && !words.isLoading && <Typography.Text type="secondary">{t("words.empty")}</Typography.Text>}
          <Space wrap>
            {(words.data ?? []).map((w) => (
              <Tag
                key={w.id}
                closable={canEdit}
                onClose={(e) => {
                  e.preventDefault();
                  remove.mutate({ id: w.id });
                }}
                style={{ fontSize: 14, padding: "2px 8px" }}
              >
                {w.word}
              </Tag>
            ))}
          </Space>
        </div>
      </Card>
    </Space>
  );
}
