import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { BEIJING_TIME_ZONE } from "../kernel/time";
import { LOCALE_COOKIE, messages, toLocale } from "./messages";

// No locale in the URL: the choice is a cookie, Chinese unless English was picked.
export default getRequestConfig(async () => {
  const locale = toLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  return { locale, messages: messages[locale], timeZone: BEIJING_TIME_ZONE };
});
