"""WeChat's in-app browser (its user agent carries "MicroMessenger"): told apart only to show
hints where it behaves differently (it cannot print a page, and saves an image by a long
press); never to refuse or change what a page does."""

WECHAT_MARK = "MicroMessenger"


def in_wechat(request) -> bool:
    return WECHAT_MARK in request.headers.get("User-Agent", "")
