import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { env } from "@/server/kernel/env";
import { localPath } from "@/server/http/guard";
import { SignInForm } from "./SignInForm";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("auth");
  return { title: t("title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  // Only this app's own paths: an open redirect would let a phishing link borrow our sign-in page.
  const callbackUrl = localPath(sp.callbackUrl);
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
