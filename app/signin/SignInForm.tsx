"use client";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Divider, Form, Input, Typography } from "antd";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { LocaleSwitch } from "../_components/LocaleSwitch";

type Props = { callbackUrl: string; initialError: "ssoUnknown" | "expired" | "failed" | null; sso: { name: string } | null };

export function SignInForm({ callbackUrl, initialError, sso }: Props) {
  const t = useTranslations("auth");
  const tc = useTranslations("common");
  const [error, setError] = useState<string | null>(initialError ? t(initialError) : null);
  const [busy, setBusy] = useState(false);

  async function onFinish(values: { number: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      const res = await signIn("credentials", { ...values, redirect: false, callbackUrl });
      if (res?.ok && !res.error) {
        window.location.assign(callbackUrl);
        return;
      }
      const m = /^throttled:(\d+)$/.exec(res?.error ?? "");
      setError(m ? t("throttled", { minutes: Number(m[1]) }) : t("invalid"));
    } catch {
      setError(t("invalid"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main
      style={{
        minHeight: "100vh",
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
        padding: 16,
        background: "linear-gradient(160deg, #1d4e89 0%, #2f6db3 45%, #f3f5f8 45%)",
      }}
    >
      <Card style={{ width: "100%", maxWidth: 400, boxShadow: "0 8px 24px rgba(0,0,0,.12)" }}>
        <div style={{ display: "flex", justifyContent: "flex-end", marginTop: -8, marginRight: -8 }}>
          <LocaleSwitch />
        </div>
        <Typography.Title level={3} style={{ textAlign: "center", marginTop: 0 }}>
          {tc("appName")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: "center" }}>
          {t("subtitle")}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="signin-error" />}
        <Form layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
          <Form.Item name="number" label={t("number")} rules={[{ required: true, whitespace: true, message: t("numberRequired") }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoCapitalize="none" inputMode="text" />
          </Form.Item>
          <Form.Item name="password" label={t("password")} rules={[{ required: true, message: t("passwordRequired") }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("submit")}
          </Button>
        </Form>
        {sso && (
          <>
            <Divider plain />
            <Button block onClick={() => signIn("oidc", { callbackUrl })}>
              {t("sso", { name: sso.name })}
            </Button>
          </>
        )}
      </Card>
    </main>
  );
}
