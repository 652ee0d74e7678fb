import type { Locale, Messages } from "./messages";

// next-intl's typed configuration: every key handed to t(), useTranslations() and
// getTranslations() is checked against the Chinese catalogue (the English one has the
// same keys, server/i18n/messages.test.ts), so a wrong key fails to compile.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
