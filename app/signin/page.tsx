import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { env } from "@/server/env";
import { SignInForm } from "./SignInForm";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("auth");
  return { title: t("title") };
}

function safeCallback(raw: string | undefined): string {
  // Only same-site paths: an open redirect would let a phishing link borrow our sign-in page.
  return raw && raw.startsWith("/") && !raw.startsWith("//") ? raw : "/home";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallback(sp.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const e = env();
  return (
    <SignInForm
      callbackUrl={callbackUrl}
      initialError={!sp.error ? null : sp.error === "ssoUnknown" || sp.error === "expired" ? sp.error : "failed"}
      sso={e.AUTH_OIDC_ISSUER ? { name: e.AUTH_OIDC_NAME } : null}
    />
  );
}
