// Allure Report 3 configuration: the interactive report, a single-file copy, and history for trends.
import { defineConfig } from "allure";

export default defineConfig({
  name: "ROBOT PAYMENT card-token acceptance",
  output: "./reports/allure-report",
  historyPath: "./reports/history.jsonl",
  plugins: {
    awesome: {
      options: { reportName: "ROBOT PAYMENT card-token acceptance", groupBy: ["epic", "feature", "story"] },
    },
    single: {
      import: "@allurereport/plugin-awesome",
      options: { reportName: "ROBOT PAYMENT card-token acceptance", singleFile: true,
                 groupBy: ["epic", "feature", "story"] },
    },
  },
});
