"use client";
import { GlobalOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";

// The language is a cookie (no locale in URLs); switching reloads the server components.
export function LocaleSwitch({ type = "text" }: { type?: "text" | "link" | "default" }) {
  const t = useTranslations("common");
  const locale = useLocale();
  const router = useRouter();
  return (
    <Button
      type={type}
      icon={<GlobalOutlined />}
      onClick={() => {
        document.cookie = `NEXT_LOCALE=${locale === "zh" ? "en" : "zh"}; path=/; max-age=31536000; samesite=lax`;
        router.refresh();
      }}
    >
      {t("language")}
    </Button>
  );
}
