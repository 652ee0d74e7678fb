import { vi } from "vitest";

// "server-only" throws outside React Server Components; tests call server code directly.
vi.mock("server-only", () => ({}));
