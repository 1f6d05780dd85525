"""救助资金管理系统 — 困难群众救助补助资金 from allocation to the person's bank card."""
