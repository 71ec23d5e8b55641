"""Admin pages of the ledger import/export (台账导入导出)."""
