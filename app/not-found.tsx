import { getTranslations } from "next-intl/server";
import Link from "next/link";

export default async function NotFound() {
  const t = await getTranslations("common");
  return (
    <main
      style={{
        minHeight: "70vh",
        display: "flex",
        flexDirection: "column",
        alignItems: "center",
        justifyContent: "center",
        padding: 24,
        textAlign: "center",
      }}
    >
      <div style={{ fontSize: 64, fontWeight: 700, color: "#1d4e89" }}>404</div>
      <h1 style={{ fontSize: 22, margin: "8px 0" }}>{t("notFoundTitle")}</h1>
      <p style={{ color: "#666" }}>{t("notFoundText")}</p>
      <Link href="/" style={{ color: "#1d4e89" }}>
        {t("backHome")}
      </Link>
    </main>
  );
}
