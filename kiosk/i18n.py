"""Every text the kiosk shows or says, in Chinese (zh_CN) and English.

``t(key, language, **values)``; a missing English text falls back to the Chinese one. Voice
guidance (``voice_*``) is Mandarin only: the speech engine speaks Mandarin.
"""
from __future__ import annotations

from kiosk.i18n_more import TEXTS

S: dict[str, tuple[str, str]] = {
    # home
    "take_ticket": ("取号", "Take a ticket"),
    "self_service": ("自助服务", "Self-service"),
    "elderly_mode": ("长者模式", "Senior mode"),
    "standard_mode": ("标准模式", "Standard mode"),
    "language_switch": ("English", "中文"),
    "queue_row": ("{name}  等候 {waiting} 人  约 {minutes} 分钟", "{name}: {waiting} waiting, about {minutes} min"),
    "queue_row_free": ("{name}  无需等候", "{name}: no wait"),
    "hall_info_title": ("大厅信息", "About the hall"),
    "hall_hours": ("办公时间：{hours}", "Opening hours: {hours}"),
    "queues_title": ("当前排队", "Queues now"),
    "queues_unknown": ("正在获取排队信息…", "Fetching queue information…"),
    "insert_hint": ("插入社保卡或放置身份证可识别身份，70岁以上长者自动优先",
                    "Insert your social security card or place your ID card; 70+ get priority"),
    "welcome_holder": ("{name} 您好", "Hello, {name}"),
    "finish": ("退出", "Finish"),
    "home": ("首页", "Home"),
    "back": ("返回", "Back"),
    "countdown": ("{seconds} 秒后返回首页", "Back to the start in {seconds} s"),
    "paused_title": ("暂停取号", "Ticket issuing paused"),
    "paused_hint": ("请到咨询台咨询，恢复后可继续取号", "Please ask at the information desk"),
    "pause_broker": ("大厅网络连接中断，正在重新连接", "The hall network is down; reconnecting"),
    "pause_server_offline": ("排队服务器离线", "The queue server is offline"),
    "pause_server_silent": ("排队服务器无响应", "The queue server does not answer"),
    "pause_connecting": ("正在连接排队服务器", "Connecting to the queue server"),
    "pause_hall": ("大厅已暂停取号", "The hall has paused ticket issuing"),
    "pause_command": ("本机已暂停取号", "This kiosk has paused ticket issuing"),
    # printer, as a citizen reads it
    "paper_low": ("打印纸即将用完", "The printer is low on paper"),
    "paper_out": ("打印机缺纸", "The printer is out of paper"),
    "printer_offline": ("打印机离线", "The printer is offline"),
    "cover_open": ("打印机盖未关闭", "The printer cover is open"),
    "printer_no_answer": ("打印机无响应", "The printer does not answer"),
    "no_printer": ("本机未配置打印机", "No printer is fitted"),
    "printer_notice": ("{reason}：号票将以二维码显示在屏幕上", "{reason}: tickets are shown as a QR code"),
    # item choice
    "choose_item": ("请选择办理事项", "Choose your service"),
    "search": ("搜索", "Search"),
    "search_hint": ("输入拼音首字母，如 SBK", "Type pinyin initials, e.g. SBK"),
    "no_match": ("没有找到匹配的事项", "No matching service"),
    "page": ("第 {page}/{pages} 页", "Page {page}/{pages}"),
    "previous_page": ("上一页", "Previous"),
    "next_page": ("下一页", "Next"),
    "item_queue": ("{queue} · 等候 {waiting} 人", "{queue} · {waiting} waiting"),
    # identification
    "auth_title": ("请插入社会保障卡或放置身份证", "Insert your social security card or place your ID card"),
    "auth_body": ("自助服务需要先识别您的身份", "Self-service needs to know who you are"),
    "reading": ("正在读卡，请勿拔卡…", "Reading the card, please leave it in…"),
    "pin_title_card": ("请输入社保卡密码", "Enter your card PIN"),
    "pin_title_loss": ("请输入社保卡服务密码以确认挂失", "Enter your card PIN to confirm the loss report"),
    "pin_title_receipt": ("请输入受理回执编号", "Enter your receipt number"),
    "pin_title_staff": ("请输入维护密码", "Enter the maintenance password"),
    "pin_holder": ("持卡人：{name}　{id}", "Card holder: {name}  {id}"),
    "confirm": ("确认", "OK"),
    "key_clear": ("清除", "Clear"),
    "key_back": ("退格", "Delete"),
    "pin_blocked": ("社保卡密码已锁定。\n请持身份证到{windows}\n办理密码解锁", "Your PIN is blocked: bring your "
                    "ID card to {windows} to unblock it"),
    "take_ticket_for": ("取号办理", "Take a ticket for it"),
    "pin_wrong": ("{text}", "{text}"),
    "error_text": ("{text}", "{text}"),
    "staff_wrong": ("密码错误", "Wrong password"),
    "staff_locked": ("错误次数过多，请稍后再试", "Too many wrong passwords; try later"),
    "staff_unset": ("未设置维护密码，维护界面不可用", "No maintenance password is configured"),
    "card_restricted": ("无法读取持卡人信息，请放置身份证或到窗口办理", "The card does not show its holder; "
                        "place your ID card or go to a window"),
    "card_expired": ("您的社保卡已过有效期，请到窗口办理换卡", "Your card has expired; renew it at a window"),
    "card_removed": ("已退卡，个人信息已清除", "Card removed; your data has been cleared"),
    "timed_out": ("操作超时，个人信息已清除", "Timed out; your data has been cleared"),
    "checking": ("正在核验电子社保卡，请稍候…", "Checking your e-card…"),
    "ecard_failed": ("电子社保卡登录未成功：{text}", "E-card sign-in failed: {text}"),
    "ecard_hint": ("也可打开电子社保卡，将“扫码登录”二维码对准下方扫码口", "Or hold the login QR code of your e-card "
                   "to the scanner below"),
    "take_card": ("请取回社保卡", "Please take your card"),
    "take_idcard": ("请取回身份证", "Please take your ID card"),
    "take_both": ("请取回社保卡和身份证", "Please take your card and your ID card"),
    "take_card_hint": ("取卡后本次服务结束，\n个人信息自动清除",
                       "Taking the card ends this visit and clears your data"),
    "continue_other": ("继续办理其他业务", "Do something else"),
    "left_card": ("社保卡仍在读卡器中，请及时取回", "A card is still in the reader: please take it"),
    "left_idcard": ("身份证仍在读卡区，请及时取回", "An ID card is still on the reader: please take it"),
    "left_both": ("社保卡和身份证仍在读卡器中，请及时取回", "A card and an ID card are still in the readers: please "
                  "take them"),
    "card_left_hint": ("如不是您的卡片，请交给咨询台工作人员", "If it is not yours, please hand it to the information "
                       "desk"),
    "session_ended": ("已退出，个人信息已清除", "Finished; your data has been cleared"),
    "elderly_on": ("已为您开启长者模式", "Senior mode is on"),
    # issuing
    "issuing": ("正在取号，请稍候…", "Issuing your ticket…"),
    "issuing_retry": ("网络不畅，正在重试（第 {attempt} 次）…", "Network trouble, retrying (attempt {attempt})…"),
    "ticket_title": ("您的号码", "Your number"),
    "ticket_ahead": ("您前面还有 {ahead} 人，预计等候约 {minutes} 分钟", "{ahead} ahead of you, about {minutes} min"),
    "ticket_next": ("您前面无人等候，即将叫号，请留意叫号屏", "Nobody is ahead of you: you will be called shortly"),
    "ticket_soon": ("您前面还有 {ahead} 人，即将叫号", "{ahead} ahead of you: you will be called shortly"),
    "ticket_printing": ("正在打印号票…", "Printing your ticket…"),
    "ticket_printed": ("请取走号票，留意叫号", "Please take your ticket and listen for your number"),
    "ticket_qr": ("{reason}，未打印号票：请用手机扫描二维码保存号码", "{reason}; no paper ticket: "
                  "scan the QR code with your phone"),
    "priority_elderly": ("长者优先", "Senior priority"),
    "scan_hint": ("扫码查看排队进度", "Scan to follow the queue"),
    "done": ("完成", "Done"),
    "already_waiting": ("您已有 {number} 号在{queue}等候，无需重复取号", "You already hold ticket {number} in "
                        "{queue}; no second ticket"),
    "issue_failed": ("取号失败：{reason}，未出号，请稍后再试", "No ticket was issued: {reason}. Please try later"),
    "issue_refused": ("取号失败：{reason}", "No ticket: {reason}"),
    # self-service
    "services_title": ("自助服务", "Self-service"),
    "svc_record": ("个人权益记录", "Contribution record"),
    "svc_certificate": ("参保证明打印", "Insurance certificate"),
    "svc_card_loss": ("社保卡临时挂失", "Report card lost"),
    "svc_progress": ("业务办理进度", "Application progress"),
    "svc_qualification": ("职业资格证书查询", "Qualification certificates"),
    "loading": ("正在查询，请稍候…", "Looking it up…"),
    "print": ("打印", "Print"),
    "printing": ("正在打印，请稍候…", "Printing…"),
    "printed_take": ("打印完成，请取走打印件", "Printed: please take your printout"),
    "loss_printed": ("挂失回执已打印，请取走并妥善保管", "The receipt is printed: please take it and keep it"),
    "print_refused": ("{reason}，暂不能打印，请到窗口办理", "{reason}: cannot print now, please go to a window"),
    "record_since": ("参保起始：{since}　累计缴费：{months} 个月", "Insured since {since}, {months} months paid"),
    "record_balance": ("个人账户累计储存额：{balance} 元", "Pension account: {balance} yuan"),
    "record_employer": ("当前单位：{employer}", "Employer: {employer}"),
    "record_header": ("月份　　 缴费基数　养老（个人）　养老（单位）", "Month     Base     Pension(own) Pension(unit)"),
    "certificate_lines": ("{insurance}：{status}，{since} 起，{months} 个月", "{insurance}: {status} since {since}, "
                          "{months} months"),
    "certificate_code": ("验证码：{code}（可在平台核验）", "Verification code {code}"),
    "loss_done": ("挂失成功：卡号 {card} 已临时挂失，有效期至 {until}，受理编号 {ref}",
                  "Reported: card {card} is blocked until {until}, reference {ref}"),
    "loss_next": ("请在有效期内持身份证到窗口办理正式挂失或补卡", "Confirm it or get a new card at a window in time"),
    "loss_confirm_title": ("确认临时挂失", "Confirm the loss report"),
    "loss_confirm": ("将为{name}（{id}）\n名下的社会保障卡办理临时挂失，\n挂失后该卡暂停使用。",
                     "The social security card of {name} ({id}) will be blocked as lost."),
    "loss_rules": ("临时挂失有效期为 5 个工作日。\n请在有效期内持身份证\n到窗口办理正式挂失或补卡，\n逾期自动解除。",
                   "A temporary loss report lasts 5 working days: confirm it or get a new card at a window "
                   "in that time, or it lapses."),
    "confirm_loss": ("确认挂失", "Report it lost"),
    "card_services": ("办理本卡其他业务", "This card's services"),
    "loss_card_in": ("读卡器中的这张社保卡可以正常使用，\n无需挂失。\n如需挂失另一张卡，\n"
                     "请先取出此卡，再放置身份证办理。",
                     "The card in the reader works and need not be reported. To report another card lost, take "
                     "this one out and place your ID card."),
    "loss_holder": ("持卡人：{name}", "Card holder: {name}"),
    "loss_id": ("身份证号：{id}", "ID number: {id}"),
    "loss_card": ("社保卡号：{card}", "Card: {card}"),
    "loss_ref": ("受理编号：{ref}", "Reference: {ref}"),
    "loss_at": ("挂失时间：{at}", "Reported: {at}"),
    "loss_until": ("临时挂失有效期至：{until}", "Valid until: {until}"),
    "progress_receipt": ("受理编号：{receipt}", "Receipt: {receipt}"),
    "progress_item": ("办理事项：{item}", "Service: {item}"),
    "progress_dates": ("受理日期：{accepted}　承诺时限：{days} 个工作日（{due} 前）",
                       "Accepted {accepted}; due in {days} working days ({due})"),
    "progress_state": ("当前状态：{state}", "State: {state}"),
    "qual_none": ("未查询到您的职业资格证书", "No certificates were found"),
    "qual_line": ("{title}（{level}）证书编号 {no}，{issued} 发证", "{title} ({level}), no. {no}, issued {issued}"),
    # maintenance
    "maint_title": ("维护", "Maintenance"),
    "maint_printer_test": ("打印测试页", "Print a test page"),
    "maint_check": ("检查打印机", "Check the printer"),
    "maint_exit": ("退出维护", "Leave maintenance"),
    "test_page": ("打印测试", "Printer test"),
    # voice guidance (Mandarin only)
    "voice_home": ("欢迎光临。取号请点击取号，自助办理请插入社保卡", ""),
    "voice_items": ("请选择您要办理的事项", ""),
    "voice_auth": ("请插入社会保障卡，或把身份证放在读卡区", ""),
    "voice_reading": ("正在读卡，请不要拔卡", ""),
    "voice_pin": ("请输入六位密码，然后按确认", ""),
    "voice_receipt": ("请输入受理回执编号，然后按确认", ""),
    "voice_issuing": ("正在为您取号，请稍候", ""),
    "voice_ticket": ("您的号码是{number}，请取走号票，留意叫号", ""),
    "voice_ticket_qr": ("您的号码是{number}，打印机暂时不能出票，请用手机扫码保存号码", ""),
    "voice_services": ("请选择自助服务项目", ""),
    "voice_loading": ("正在查询，请稍候", ""),
    "voice_printed": ("打印完成，请取走打印件", ""),
    "voice_checking": ("正在核验电子社保卡，请稍候", ""),
    "voice_take_card": ("请取回您的社保卡", ""),
    "voice_take_idcard": ("请取回您的身份证", ""),
    "voice_take_both": ("请取回您的社保卡和身份证", ""),
    "voice_left_card": ("您的社保卡还在读卡器中，请取回", ""),
    "voice_left_idcard": ("您的身份证还在读卡区，请取回", ""),
    "voice_left_both": ("您的社保卡和身份证还在读卡器中，请取回", ""),
}

S |= TEXTS  # documents, 办事指南, unprinted tickets

BOARDS_EN = {"就业创业": "Employment", "社会保障": "Social insurance", "人才人事": "Talent & personnel",
             "劳动关系": "Labour relations", "公共服务": "Public services"}

ITEMS_EN = {
    "SB-001": "Contribution record printout", "SB-002": "Insurance certificate printout",
    "SB-003": "Resident pension registration", "SB-004": "Pension transfer between regions",
    "SB-005": "Claim a basic pension", "SB-006": "Claim unemployment benefit",
    "SB-007": "Work injury medical refund", "SB-008": "Flexible employment registration",
    "KA-001": "Apply for a social security card", "KA-002": "Report a card lost (temporary)",
    "KA-003": "Replace a social security card", "KA-004": "Collect a social security card",
    "KA-005": "Activate a card / reset the PIN", "JY-001": "Employment registration",
    "JY-002": "Unemployment registration", "JY-003": "Employment certificate",
    "JY-004": "Start-up guaranteed loan", "RC-001": "Borrow a personnel file",
    "RC-002": "Professional title application", "RC-003": "Qualification certificate lookup",
    "LD-001": "Labour inspection complaint", "LD-002": "Labour dispatch licence",
    "GG-001": "Collect a result", "GG-002": "Application progress", "DW-001": "Employer insurance registration",
    "DW-002": "Employer contribution declaration",
}


def t(key: str, language: str = "zh_CN", **values: object) -> str:
    zh, en = S.get(key, (key, ""))
    text = en if language == "en" and en else zh
    return text.format(**values) if values else text


def board_name(board: str, language: str) -> str:
    return BOARDS_EN.get(board, board) if language == "en" else board
