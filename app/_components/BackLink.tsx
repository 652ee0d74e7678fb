"use client";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { Button } from "antd";
import Link from "next/link";
import type { ReactNode } from "react";

/** The link back to the page a detail page belongs to: an arrow and its label, flush left. */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href}>
      <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
        {children}
      </Button>
    </Link>
  );
}
