"""The kinds of difference `docgen check --bo-qua` can ignore, with what each covers. Apart from golden/diff.py
so that the command line can list them in its help without importing the .docx reader: every `docgen render`
builds that help page at start-up."""

# What `--bo-qua` accepts: the kinds of difference, and the areas of a document, a check may be told to ignore.
# The text of the body is not among them: a check that could ignore it would check nothing.
KINDS = {
    "dinh-dang": "định dạng chữ và đoạn (phông, cỡ, đậm/nghiêng/gạch chân, màu, căn lề, thụt lề, giãn dòng, "
                 "giữ cùng trang, ngắt trang, viền và tô nền đoạn)",
    "trang-in": "khổ giấy, hướng giấy, lề, khoảng cách đầu/chân trang, trang đầu khác",
    "bang": "hình dạng bảng (độ rộng cột và ô, gộp ô, viền, tô nền, lặp dòng tiêu đề, chiều cao dòng)",
    "danh-so": "kiểu đánh số và dấu đầu dòng",
    "anh": "hình ảnh (nội dung và kích thước)",
    "dau-chan-trang": "mọi khác biệt trong đầu trang và chân trang",
    "chu-thich": "mọi khác biệt trong chú thích cuối trang",
    "thuoc-tinh": "thuộc tính văn bản (tiêu đề, tác giả, ngày tạo…) và thiết lập in chẵn lẻ",
}
