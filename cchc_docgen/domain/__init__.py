"""What the figures mean: periods and derived figures (`compute`), Vietnamese numbers, dates and words
(`formatting`), the Phụ lục tables (`appendix`) and the consistency checks (`checks`)."""
