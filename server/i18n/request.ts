import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, messages, toLocale } from "./messages";

// No locale in the URL: the choice is a cookie, Chinese unless English was picked.
export default getRequestConfig(async () => {
  const locale = toLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  return { locale, messages: messages[locale], timeZone: "Asia/Shanghai" };
});
