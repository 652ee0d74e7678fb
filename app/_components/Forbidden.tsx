import { getTranslations } from "next-intl/server";
import Link from "next/link";

export async function Forbidden() {
  const t = await getTranslations();
  return (
    <div style={{ padding: 48, textAlign: "center" }} data-testid="forbidden">
      <div style={{ fontSize: 48, fontWeight: 700, color: "#cf1322" }}>403</div>
      <p>{t("errors.forbidden")}</p>
      <Link href="/home">{t("common.backHome")}</Link>
    </div>
  );
}
