import {
  AimOutlined,
  AlertOutlined,
  ApartmentOutlined,
  MessageOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CloudUploadOutlined,
  FileSearchOutlined,
  FormOutlined,
  HomeOutlined,
  ReadOutlined,
  ScheduleOutlined,
  SlidersOutlined,
  TeamOutlined,
  TrophyOutlined,
  UnorderedListOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";

// The menu's icons by name: the pages table (pages.ts, server code) names an entry's icon, the
// shell (a client component) draws it. A page with a new icon adds it here.
export const NAV_ICONS = {
  home: <HomeOutlined />,
  apartment: <ApartmentOutlined />,
  read: <ReadOutlined />,
  book: <BookOutlined />,
  unorderedList: <UnorderedListOutlined />,
  team: <TeamOutlined />,
  cloudUpload: <CloudUploadOutlined />,
  form: <FormOutlined />,
  schedule: <ScheduleOutlined />,
  barChart: <BarChartOutlined />,
  sliders: <SlidersOutlined />,
  trophy: <TrophyOutlined />,
  aim: <AimOutlined />,
  audit: <AuditOutlined />,
  message: <MessageOutlined />,
  alert: <AlertOutlined />,
  fileSearch: <FileSearchOutlined />,
} satisfies Record<string, ReactNode>;

export type NavIcon = keyof typeof NAV_ICONS;
