"""The self-service kiosk (自助服务终端): card login, queue tickets, self-service items."""
